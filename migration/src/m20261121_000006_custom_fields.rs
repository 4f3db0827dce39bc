//! Custom fields: `custom_fields`, `custom_field_options`, `custom_field_answers`,
//! `custom_field_answer_options`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_indexes, drop_indexes, drop_tables, fk_cascade, index, unique_index};
use crate::m20261121_000001_accounts::{Accounts, Campaigns};
use crate::m20261121_000002_partners::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CustomFields {
    Table,
    Id,
    AccountId,
    CampaignId,
    Name,
    DisplayType,
    Position,
    Required,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CustomFieldOptions {
    Table,
    Id,
    AccountId,
    FieldId,
    Label,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum CustomFieldAnswers {
    Table,
    Id,
    AccountId,
    CampaignId,
    FieldId,
    PartnerId,
    TextValue,
    NumberValue,
    DateValue,
    FileUrl,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CustomFieldAnswerOptions {
    Table,
    FieldId,
    PartnerId,
    OptionId,
    AccountId,
    CampaignId,
}

fn indexes() -> Vec<IndexCreateStatement> {
    use CustomFieldAnswerOptions as Cfao;
    use CustomFieldAnswers as Cfa;
    use CustomFieldOptions as Cfo;
    use CustomFields as Cf;
    vec![
        index(
            "ix_custom_fields_campaign",
            Cf::Table,
            &[Cf::CampaignId, Cf::Position],
        ),
        index(
            "ix_custom_field_options_field",
            Cfo::Table,
            &[Cfo::FieldId, Cfo::Position],
        ),
        unique_index(
            "ux_custom_field_answers_field_partner",
            Cfa::Table,
            &[Cfa::FieldId, Cfa::PartnerId],
        ),
        index(
            "ix_cfa_campaign_partner",
            Cfa::Table,
            &[Cfa::CampaignId, Cfa::PartnerId],
        ),
        index(
            "ix_cfa_field_number",
            Cfa::Table,
            &[Cfa::FieldId, Cfa::NumberValue],
        ),
        index(
            "ix_cfa_field_date",
            Cfa::Table,
            &[Cfa::FieldId, Cfa::DateValue],
        ),
        index(
            "ix_cfao_option_partner",
            Cfao::Table,
            &[Cfao::OptionId, Cfao::PartnerId],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CustomFieldAnswerOptions as Cfao;
        use CustomFieldAnswers as Cfa;
        use CustomFieldOptions as Cfo;
        use CustomFields as Cf;
        manager
            .create_table(
                Table::create()
                    .table(Cf::Table)
                    .col(big_pk_auto(Cf::Id))
                    .col(big_integer(Cf::AccountId))
                    .col(big_integer(Cf::CampaignId))
                    .col(string(Cf::Name))
                    .col(string_len(Cf::DisplayType, 32))
                    .col(integer(Cf::Position))
                    .col(boolean(Cf::Required).default(false))
                    .col(timestamp_with_time_zone(Cf::CreatedAt))
                    .foreign_key(&mut fk_cascade(Cf::Table, Cf::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(Cf::Table, Cf::CampaignId, Campaigns::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Cfo::Table)
                    .col(big_pk_auto(Cfo::Id))
                    .col(big_integer(Cfo::AccountId))
                    .col(big_integer(Cfo::FieldId))
                    .col(string(Cfo::Label))
                    .col(integer(Cfo::Position))
                    .foreign_key(&mut fk_cascade(Cfo::Table, Cfo::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(Cfo::Table, Cfo::FieldId, Cf::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Cfa::Table)
                    .col(big_pk_auto(Cfa::Id))
                    .col(big_integer(Cfa::AccountId))
                    .col(big_integer(Cfa::CampaignId))
                    .col(big_integer(Cfa::FieldId))
                    .col(big_integer(Cfa::PartnerId))
                    .col(text_null(Cfa::TextValue))
                    .col(double_null(Cfa::NumberValue))
                    .col(date_null(Cfa::DateValue))
                    .col(string_null(Cfa::FileUrl))
                    .col(timestamp_with_time_zone(Cfa::UpdatedAt))
                    .foreign_key(&mut fk_cascade(Cfa::Table, Cfa::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(
                        Cfa::Table,
                        Cfa::CampaignId,
                        Campaigns::Table,
                    ))
                    .foreign_key(&mut fk_cascade(Cfa::Table, Cfa::FieldId, Cf::Table))
                    .foreign_key(&mut fk_cascade(Cfa::Table, Cfa::PartnerId, Partners::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Cfao::Table)
                    .col(big_integer(Cfao::FieldId))
                    .col(big_integer(Cfao::PartnerId))
                    .col(big_integer(Cfao::OptionId))
                    .col(big_integer(Cfao::AccountId))
                    .col(big_integer(Cfao::CampaignId))
                    .primary_key(
                        Index::create()
                            .col(Cfao::FieldId)
                            .col(Cfao::PartnerId)
                            .col(Cfao::OptionId),
                    )
                    .foreign_key(&mut fk_cascade(Cfao::Table, Cfao::FieldId, Cf::Table))
                    .foreign_key(&mut fk_cascade(
                        Cfao::Table,
                        Cfao::PartnerId,
                        Partners::Table,
                    ))
                    .foreign_key(&mut fk_cascade(Cfao::Table, Cfao::OptionId, Cfo::Table))
                    .foreign_key(&mut fk_cascade(
                        Cfao::Table,
                        Cfao::AccountId,
                        Accounts::Table,
                    ))
                    .foreign_key(&mut fk_cascade(
                        Cfao::Table,
                        Cfao::CampaignId,
                        Campaigns::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, indexes()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, indexes()).await?;
        drop_tables(
            manager,
            [
                CustomFieldAnswerOptions::Table.into_iden(),
                CustomFieldAnswers::Table.into_iden(),
                CustomFieldOptions::Table.into_iden(),
                CustomFields::Table.into_iden(),
            ],
        )
        .await
    }
}
