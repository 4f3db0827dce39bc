//! Migration 000036: a word-final `ς` in the stored search text and folded answers becomes
//! `σ`; other text is left alone; down keeps the text. (SQLite's trigram index folds `ς` itself,
//! so its narrowing never depended on this: the literal `LIKE` check after it did.)

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::support::{exec, insert_account, strings};

pub async fn sigma_folding(db: &DatabaseConnection) {
    Migrator::up(db, Some(35)).await.unwrap();
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, "INSERT INTO partners (name, created_at, updated_at) VALUES ('ΟΔΟΣ Shop', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), ('Plain', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").await;
    exec(db, &format!("INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, relationship_stage, search_text, created_at, updated_at) \
              SELECT {account}, c.id, p.id, 'DIRECT', 'NEW', CASE WHEN p.name = 'Plain' THEN 'plain' ELSE 'οδος shop' END, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM campaigns c, partners p")).await;
    exec(db, &format!("INSERT INTO custom_fields (account_id, campaign_id, name, display_type, position, required, created_at) SELECT {account}, id, 'Motto', 'PARAGRAPH', 0, false, CURRENT_TIMESTAMP FROM campaigns")).await;
    exec(db, "INSERT INTO custom_field_answers (account_id, campaign_id, field_id, partner_id, text_value, text_folded, updated_at) \
              SELECT f.account_id, f.campaign_id, f.id, p.id, 'ΚΟΣΜΟΣ', 'κοσμος', CURRENT_TIMESTAMP FROM custom_fields f, partners p").await;
    Migrator::up(db, Some(1)).await.unwrap();
    assert_eq!(
        strings(
            db,
            "SELECT search_text FROM campaign_partners ORDER BY search_text"
        )
        .await,
        ["plain", "οδοσ shop"]
    );
    assert_eq!(
        strings(db, "SELECT DISTINCT text_folded FROM custom_field_answers").await,
        ["κοσμοσ"]
    );
    Migrator::down(db, Some(1)).await.unwrap();
    assert_eq!(
        strings(
            db,
            "SELECT search_text FROM campaign_partners ORDER BY search_text"
        )
        .await,
        ["plain", "οδοσ shop"],
        "down keeps the text"
    );
    Migrator::reset(db).await.unwrap();
}
