//! Partner profiles (shared by every brand, hence no `account_id`) and their child tables:
//! `partners`, `partner_attributes`, `media_properties`, `partner_contacts`, plus the brand-owned
//! `partner_account_links`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_indexes, drop_indexes, drop_tables, fk_cascade, index, unique_index};
use crate::m20261121_000001_accounts::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Partners {
    Table,
    Id,
    Name,
    WebsiteUrl,
    Description,
    Country,
    StateProvince,
    AddressLine1,
    AddressLine2,
    City,
    PostalCode,
    Email,
    Phone,
    Currency,
    Size,
    SocialReach,
    MozDomainAuthority,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerAttributes {
    Table,
    PartnerId,
    Kind,
    Value,
}

#[derive(DeriveIden, Clone, Copy)]
enum MediaProperties {
    Table,
    Id,
    PartnerId,
    PropertyType,
    Platform,
    Name,
    Url,
    Followers,
    MonthlyVisits,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerContacts {
    Table,
    Id,
    PartnerId,
    Name,
    Email,
    Phone,
    Title,
    IsPrimary,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerAccountLinks {
    Table,
    Id,
    AccountId,
    PartnerId,
    LinkedPartnerId,
    LinkReason,
    CreatedAt,
}

fn indexes() -> Vec<IndexCreateStatement> {
    use PartnerAttributes as Pa;
    vec![
        index("ix_partners_name", Partners::Table, &[Partners::Name]),
        index("ix_partners_country", Partners::Table, &[Partners::Country]),
        index("ix_partners_size", Partners::Table, &[Partners::Size]),
        index(
            "ix_partner_attributes_kind_value",
            Pa::Table,
            &[Pa::Kind, Pa::Value, Pa::PartnerId],
        ),
        index(
            "ix_media_properties_partner",
            MediaProperties::Table,
            &[MediaProperties::PartnerId],
        ),
        index(
            "ix_partner_contacts_partner",
            PartnerContacts::Table,
            &[PartnerContacts::PartnerId],
        ),
        unique_index(
            "ux_partner_account_links",
            PartnerAccountLinks::Table,
            &[
                PartnerAccountLinks::AccountId,
                PartnerAccountLinks::PartnerId,
                PartnerAccountLinks::LinkedPartnerId,
            ],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .col(big_pk_auto(Partners::Id))
                    .col(string(Partners::Name))
                    .col(string_null(Partners::WebsiteUrl))
                    .col(text_null(Partners::Description))
                    .col(string_len_null(Partners::Country, 2))
                    .col(string_len_null(Partners::StateProvince, 6))
                    .col(string_null(Partners::AddressLine1))
                    .col(string_null(Partners::AddressLine2))
                    .col(string_null(Partners::City))
                    .col(string_null(Partners::PostalCode))
                    .col(string_null(Partners::Email))
                    .col(string_null(Partners::Phone))
                    .col(string_len_null(Partners::Currency, 3))
                    .col(string_len_null(Partners::Size, 32))
                    .col(big_integer(Partners::SocialReach).default(0i64))
                    .col(integer_null(Partners::MozDomainAuthority))
                    .col(timestamp_with_time_zone(Partners::CreatedAt))
                    .col(timestamp_with_time_zone(Partners::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerAttributes::Table)
                    .col(big_integer(PartnerAttributes::PartnerId))
                    .col(string_len(PartnerAttributes::Kind, 32))
                    .col(string_len(PartnerAttributes::Value, 64))
                    .primary_key(
                        Index::create()
                            .col(PartnerAttributes::PartnerId)
                            .col(PartnerAttributes::Kind)
                            .col(PartnerAttributes::Value),
                    )
                    .foreign_key(&mut fk_cascade(
                        PartnerAttributes::Table,
                        PartnerAttributes::PartnerId,
                        Partners::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MediaProperties::Table)
                    .col(big_pk_auto(MediaProperties::Id))
                    .col(big_integer(MediaProperties::PartnerId))
                    .col(string_len(MediaProperties::PropertyType, 32))
                    .col(string_len_null(MediaProperties::Platform, 32))
                    .col(string(MediaProperties::Name))
                    .col(string(MediaProperties::Url))
                    .col(big_integer_null(MediaProperties::Followers))
                    .col(big_integer_null(MediaProperties::MonthlyVisits))
                    .col(timestamp_with_time_zone(MediaProperties::CreatedAt))
                    .foreign_key(&mut fk_cascade(
                        MediaProperties::Table,
                        MediaProperties::PartnerId,
                        Partners::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerContacts::Table)
                    .col(big_pk_auto(PartnerContacts::Id))
                    .col(big_integer(PartnerContacts::PartnerId))
                    .col(string(PartnerContacts::Name))
                    .col(string(PartnerContacts::Email))
                    .col(string_null(PartnerContacts::Phone))
                    .col(string_null(PartnerContacts::Title))
                    .col(boolean(PartnerContacts::IsPrimary).default(false))
                    .foreign_key(&mut fk_cascade(
                        PartnerContacts::Table,
                        PartnerContacts::PartnerId,
                        Partners::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PartnerAccountLinks::Table)
                    .col(big_pk_auto(PartnerAccountLinks::Id))
                    .col(big_integer(PartnerAccountLinks::AccountId))
                    .col(big_integer(PartnerAccountLinks::PartnerId))
                    .col(big_integer(PartnerAccountLinks::LinkedPartnerId))
                    .col(string(PartnerAccountLinks::LinkReason))
                    .col(timestamp_with_time_zone(PartnerAccountLinks::CreatedAt))
                    .foreign_key(&mut fk_cascade(
                        PartnerAccountLinks::Table,
                        PartnerAccountLinks::AccountId,
                        Accounts::Table,
                    ))
                    .foreign_key(&mut fk_cascade(
                        PartnerAccountLinks::Table,
                        PartnerAccountLinks::PartnerId,
                        Partners::Table,
                    ))
                    .foreign_key(&mut fk_cascade(
                        PartnerAccountLinks::Table,
                        PartnerAccountLinks::LinkedPartnerId,
                        Partners::Table,
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
                PartnerAccountLinks::Table.into_iden(),
                PartnerContacts::Table.into_iden(),
                MediaProperties::Table.into_iden(),
                PartnerAttributes::Table.into_iden(),
                Partners::Table.into_iden(),
            ],
        )
        .await
    }
}
