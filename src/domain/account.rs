//! Account rules (R-ACCOUNT): how usernames compare and which passwords are strong enough.

use crate::error::DomainError;
use unicode_normalization::UnicodeNormalization;

/// Longest username and password a login looks at; longer is refused before any state is kept.
pub const MAX_USERNAME_CHARS: usize = 64;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The form two usernames are compared in: trimmed, NFKC, lower-cased (`Admin`, `ＡＤＭＩＮ`
/// and `admin` are one user).
pub fn username_key(raw: &str) -> String {
    raw.trim()
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .nfkc()
        .collect()
}

/// A username as it may be shown: trimmed, NFKC, 3–64 letters, digits or `_ - . @`.
pub fn check_username(raw: &str) -> Result<String, DomainError> {
    let s: String = raw.trim().nfkc().collect();
    let ok = (3..=MAX_USERNAME_CHARS).contains(&s.chars().count())
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
    if ok {
        Ok(s)
    } else {
        Err(DomainError::invalid(
            "username",
            "用户名为3至64个字母、数字或 _ - . @",
            "a username is 3 to 64 letters, digits or _ - . @",
        ))
    }
}

/// The least zxcvbn score a new password needs (0–4).
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// A new password: at most 256 characters and a zxcvbn score of at least 3, judged with the
/// username and display name as words an attacker would try first. 422 `weak_password` with
/// the estimator's reason in Chinese.
pub fn check_password_strength(password: &str, user_inputs: &[&str], field: &str) -> Result<(), DomainError> {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Err(DomainError::invalid(
            field,
            "密码不能超过256个字符",
            "a password has at most 256 characters",
        ));
    }
    let inputs: Vec<String> = user_inputs
        .iter()
        .flat_map(|s| {
            let key = username_key(s);
            // "zhang.san@x" also contributes its parts.
            let parts: Vec<String> = key
                .split(|c: char| !c.is_alphanumeric())
                .filter(|p| p.chars().count() >= 3)
                .map(str::to_owned)
                .collect();
            std::iter::once(key).chain(parts)
        })
        .filter(|s| !s.is_empty())
        .collect();
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &refs);
    if u8::from(estimate.score()) >= MIN_PASSWORD_SCORE {
        return Ok(());
    }
    let warning = estimate.feedback().and_then(|f| f.warning());
    let (zh, en) = weak_reason(warning, password.chars().count());
    Err(DomainError::unprocessable(
        "weak_password",
        format!("密码强度不足：{zh}"),
        format!("the password is too easy to guess: {en}"),
    )
    .field(field))
}

fn weak_reason(warning: Option<zxcvbn::feedback::Warning>, len: usize) -> (&'static str, String) {
    use zxcvbn::feedback::Warning as W;
    let zh = match warning {
        Some(W::StraightRowsOfKeysAreEasyToGuess) => "键盘上连续的一排按键很容易被猜到",
        Some(W::ShortKeyboardPatternsAreEasyToGuess) => "简短的键盘图案很容易被猜到",
        Some(W::RepeatsLikeAaaAreEasyToGuess) => "“aaa”这样的重复字符很容易被猜到",
        Some(W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess) => "“abcabc”这样的重复并不比“abc”难猜多少",
        Some(W::ThisIsATop10Password) | Some(W::ThisIsATop100Password) | Some(W::ThisIsACommonPassword) => {
            "这是最常见的密码之一"
        }
        Some(W::ThisIsSimilarToACommonlyUsedPassword) => "与常用密码过于相似",
        Some(W::SequencesLikeAbcAreEasyToGuess) => "“abc”“6543”这样的顺序字符很容易被猜到",
        Some(W::RecentYearsAreEasyToGuess) => "近些年的年份很容易被猜到",
        Some(W::AWordByItselfIsEasyToGuess) => "单个单词很容易被猜到",
        Some(W::DatesAreOftenEasyToGuess) => "日期很容易被猜到",
        Some(W::NamesAndSurnamesByThemselvesAreEasyToGuess)
        | Some(W::CommonNamesAndSurnamesAreEasyToGuess) => "姓名很容易被猜到",
        None if len < 10 => "密码太短，请使用更长的密码",
        None => "请避免使用用户名、姓名或常见词语，可用几个不相关的词组合",
    };
    let en = match warning {
        Some(w) => w.to_string(),
        None if len < 10 => "it is too short".to_owned(),
        None => "avoid your username, your name and common words; combine a few unrelated words".to_owned(),
    };
    (zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-ACCOUNT: usernames compare after NFKC and lower-casing.
    #[test]
    fn usernames_compare_case_insensitively_after_nfkc() {
        assert_eq!(username_key("Admin"), "admin");
        assert_eq!(username_key(" ＡＤＭＩＮ "), "admin");
        assert_eq!(username_key("ﬁnance"), "finance");
        assert_ne!(username_key("admin1"), username_key("admin"));
        assert_eq!(check_username(" ＡＤＭＩＮ").unwrap(), "ADMIN");
        assert!(check_username("t1").is_err());
        assert!(check_username("team_01").is_ok());
        assert!(check_username("has space").is_err());
    }

    // R-ACCOUNT: password strength by zxcvbn, score ≥ 3, user inputs counted.
    #[test]
    fn weak_passwords_are_refused_with_a_chinese_reason() {
        for weak in ["password1", "1234567890", "qwertyuiop", "aaaaaaaaaaaa", "short"] {
            let e = check_password_strength(weak, &["someone", "某人"], "password").unwrap_err();
            assert_eq!(e.code, "weak_password", "{weak}");
            assert!(e.zh.starts_with("密码强度不足："), "{}", e.zh);
            assert_eq!(e.field.as_deref(), Some("password"));
        }
        assert!(check_password_strength("Tr4il-mix-Gorse-97", &["someone"], "password").is_ok());
        // The username itself, padded, is not a strong password for that user …
        assert!(check_password_strength("zhangsan2024", &["zhangsan2024"], "password").is_err());
        let too_long = "x".repeat(257);
        assert_eq!(
            check_password_strength(&too_long, &[], "new_password")
                .unwrap_err()
                .field
                .as_deref(),
            Some("new_password")
        );
    }
}
