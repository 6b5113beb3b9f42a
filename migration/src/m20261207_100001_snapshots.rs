//! Issue 18.3: an application keeps what it said about its team when it was submitted (the
//! team's name, unit and district names, founding date, volunteer count, leader), so a later
//! rename changes neither what experts scored nor the results, sheets, forms and payouts. A
//! team's former names are kept in `team_former_names` (one row per rename).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden, Clone, Copy)]
enum Applications {
    Table,
    SnapTeamName,
    SnapUnitName,
    SnapDistrictName,
    SnapFoundedOn,
    SnapVolunteerCount,
    SnapLeaderName,
    SnapLeaderMobile,
}

#[derive(Iden)]
enum TeamFormerNames {
    Table,
    Id,
    TeamId,
    Name,
    Until,
}

#[derive(Iden)]
enum Teams {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        let cols: [(Applications, fn(&mut ColumnDef) -> &mut ColumnDef); 7] = [
            (Applications::SnapTeamName, |c| c.string()),
            (Applications::SnapUnitName, |c| c.string()),
            (Applications::SnapDistrictName, |c| c.string()),
            (Applications::SnapFoundedOn, |c| c.date()),
            (Applications::SnapVolunteerCount, |c| c.integer()),
            (Applications::SnapLeaderName, |c| c.string()),
            (Applications::SnapLeaderMobile, |c| c.string()),
        ];
        for (col, ty) in cols {
            let mut def = ColumnDef::new(col);
            ty(&mut def).null();
            manager
                .alter_table(
                    Table::alter()
                        .table(Applications::Table)
                        .add_column(def)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(TeamFormerNames::Table)
                    .col(
                        ColumnDef::new(TeamFormerNames::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(TeamFormerNames::TeamId).integer().not_null())
                    .col(ColumnDef::new(TeamFormerNames::Name).string().not_null())
                    .col(
                        ColumnDef::new(TeamFormerNames::Until)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TeamFormerNames::Table, TeamFormerNames::TeamId)
                            .to(Teams::Table, Teams::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_team_former_names_team")
                    .table(TeamFormerNames::Table)
                    .col(TeamFormerNames::TeamId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TeamFormerNames::Table).to_owned())
            .await?;
        for col in [
            Applications::SnapTeamName,
            Applications::SnapUnitName,
            Applications::SnapDistrictName,
            Applications::SnapFoundedOn,
            Applications::SnapVolunteerCount,
            Applications::SnapLeaderName,
            Applications::SnapLeaderMobile,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Applications::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
