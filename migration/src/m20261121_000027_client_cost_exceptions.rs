//! Client cost exceptions: a campaign's action trackers (`action_trackers`: the kinds of event
//! the brand tracks, such as an online sale or a lead) and, per partner, the cost type charged
//! for some of them instead of the default (`campaign_partners.client_cost_exceptions`, a JSON
//! array `[{"actionTrackerId": "12", "costType": "FIXED_FEE"}]` in tracker order; null: none).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_pk_auto, string_len, text_null, timestamp_with_time_zone,
};

use crate::common::{fk_cascade, run_all};
use crate::m20261121_000001_accounts::{Accounts, Campaigns};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ActionTrackers {
    Table,
    Id,
    AccountId,
    CampaignId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CampaignPartners {
    Table,
    ClientCostExceptions,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ActionTrackers as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::AccountId))
                    .col(big_integer(T::CampaignId))
                    .col(string_len(T::Name, 200))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .foreign_key(&mut fk_cascade(T::Table, T::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(T::Table, T::CampaignId, Campaigns::Table))
                    .to_owned(),
            )
            .await?;
        run_all(
            manager,
            &["CREATE UNIQUE INDEX ux_action_trackers_campaign_name ON action_trackers (campaign_id, name)"],
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CampaignPartners::Table)
                    .add_column(text_null(CampaignPartners::ClientCostExceptions))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CampaignPartners::Table)
                    .drop_column(CampaignPartners::ClientCostExceptions)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ActionTrackers::Table).to_owned())
            .await
    }
}
