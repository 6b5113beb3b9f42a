//! `names!`: the stored/wire name of each variant, `ALL` in declaration order, and the inverse.
//! A test per type (in `tests`) checks that these names equal what sea-orm stores and what serde
//! writes, so the three can never disagree.

macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: [$ty; [$($name),+].len()] = [$($ty::$variant),+];

            /// The stored (and wire) name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }

            /// Inverse of `as_str`, for text that arrives outside JSON (multipart fields, files).
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($name => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The derive set every vocabulary enum carries: a string column, an API enum, serde.
#[cfg(test)]
pub(crate) fn check_names<T>(all: &[T], as_str: fn(&T) -> &'static str)
where
    T: sea_orm::ActiveEnum<Value = String>
        + serde::Serialize
        + serde::de::DeserializeOwned
        + PartialEq
        + std::fmt::Debug,
{
    for v in all {
        let name = as_str(v);
        assert_eq!(v.to_value(), name, "stored name of {v:?}");
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::Value::from(name),
            "serde name of {v:?}"
        );
        assert_eq!(&T::try_from_value(&name.to_owned()).unwrap(), v);
        assert_eq!(&serde_json::from_value::<T>(name.into()).unwrap(), v);
    }
    assert_eq!(T::iter().count(), all.len(), "ALL lists every variant");
    // An unknown stored value is an error, never a guess.
    assert!(T::try_from_value(&"no_such_value".to_owned()).is_err());
}
