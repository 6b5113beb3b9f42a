//! Units (单位).

use super::{ApiTags, BearerAuth, Created, List};
use crate::{
    domain::roles::UnitKind,
    error::ApiResult,
    services::orgs::{self, NewUnit},
    state::AppState,
};
use entity::units;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

pub struct UnitsApi {
    pub state: AppState,
}

#[derive(Object)]
pub struct UnitIn {
    /// Full name (单位全称), unique.
    pub name: String,
    pub kind: UnitKind,
    /// The district unit that recommends for this unit, if any.
    #[oai(nullable)]
    pub parent_id: Option<i32>,
}

#[derive(Debug, Object)]
pub struct UnitOut {
    pub id: i32,
    pub name: String,
    pub kind: UnitKind,
    #[oai(nullable)]
    pub parent_id: Option<i32>,
}

impl From<units::Model> for UnitOut {
    fn from(u: units::Model) -> Self {
        Self {
            id: u.id,
            name: u.name,
            kind: u.kind,
            parent_id: u.parent_id,
        }
    }
}

#[OpenApi]
impl UnitsApi {
    /// 创建单位 / Create a unit (admin)
    ///
    /// 409 `duplicate_name`. A parent must be a `district` unit.
    #[oai(
        path = "/api/v1/units",
        method = "post",
        operation_id = "create_unit",
        tag = "ApiTags::Organisations"
    )]
    async fn create(&self, auth: BearerAuth, body: Json<UnitIn>) -> ApiResult<Created<UnitOut>> {
        let caller = self.state.caller(&auth).await?;
        let b = body.0;
        let unit = orgs::create_unit(
            &self.state,
            &caller,
            NewUnit {
                name: b.name,
                kind: b.kind,
                parent_id: b.parent_id,
            },
        )
        .await?;
        Ok(Created::Created(Json(unit.into())))
    }

    /// 单位列表 / List units (any user)
    #[oai(
        path = "/api/v1/units",
        method = "get",
        operation_id = "list_units",
        tag = "ApiTags::Organisations"
    )]
    async fn list(
        &self,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] per_page: Query<Option<i64>>,
    ) -> ApiResult<Json<List<UnitOut>>> {
        self.state.caller(&auth).await?;
        let p = super::page(page.0, per_page.0)?;
        let (items, total) = orgs::list_units(&self.state, p.offset(), p.per_page).await?;
        Ok(Json(List {
            items: items.into_iter().map(Into::into).collect(),
            total,
        }))
    }
}
