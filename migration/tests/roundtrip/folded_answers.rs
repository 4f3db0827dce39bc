//! Migration 000035: text answers get their case-folded copy, folded beyond ASCII and in batches
//! (more answers than one batch holds); answers without text get none; down drops the column.

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::support::{exec, insert_account, strings};

pub async fn folded_answer_text(db: &DatabaseConnection) {
    Migrator::up(db, Some(34)).await.unwrap();
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1201) \
              INSERT INTO partners (name, created_at, updated_at) SELECT 'P' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM n").await;
    exec(db, &format!("INSERT INTO custom_fields (account_id, campaign_id, name, display_type, position, required, created_at) SELECT {account}, id, 'Motto', 'PARAGRAPH', 0, false, CURRENT_TIMESTAMP FROM campaigns")).await;
    exec(db, "INSERT INTO custom_field_answers (account_id, campaign_id, field_id, partner_id, text_value, number_value, updated_at) \
              SELECT f.account_id, f.campaign_id, f.id, p.id, CASE WHEN p.id % 3 = 0 THEN NULL ELSE 'ÜBER Straße ÉCOLE ' || p.id END, \
              CASE WHEN p.id % 3 = 0 THEN 7 END, CURRENT_TIMESTAMP FROM custom_fields f, partners p").await;
    Migrator::up(db, Some(1)).await.unwrap();
    let folded = |sql: &'static str| async move { strings(db, sql).await };
    assert_eq!(
        folded("SELECT CAST(COUNT(*) AS TEXT) FROM custom_field_answers WHERE text_folded = 'über straße école ' || CAST(partner_id AS TEXT)").await,
        ["801"],
        "every text answer folded, across batches"
    );
    assert_eq!(
        folded("SELECT CAST(COUNT(*) AS TEXT) FROM custom_field_answers WHERE text_value IS NULL AND text_folded IS NULL").await,
        ["400"]
    );
    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(
        folded("SELECT CAST(COUNT(*) AS TEXT) FROM custom_field_answers").await,
        ["1201"],
        "down keeps the answers"
    );
    Migrator::reset(db).await.unwrap();
}
