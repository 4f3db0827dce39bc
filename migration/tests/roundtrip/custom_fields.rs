//! Migration 000026 taken up and down with a field in place.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::support::{exec, insert_account, strings};

/// Migration 000026 (followed by 000027 onwards only) adds `custom_fields.description` and the `deleted_at` tombstone;
/// its `down` drops both and keeps the fields.
pub async fn custom_field_management(db: &DatabaseConnection) {
    Migrator::up(db, None).await.unwrap();
    let account = insert_account(db, "AC1").await;
    exec(db, &format!("INSERT INTO campaigns (account_id, name, currency, created_at) VALUES ({account}, 'C', 'USD', CURRENT_TIMESTAMP)")).await;
    exec(db, &format!("INSERT INTO custom_fields (account_id, campaign_id, name, display_type, position, required, created_at, description, deleted_at) SELECT {account}, id, 'Tier', 'DROPDOWN', 0, false, CURRENT_TIMESTAMP, 'Which tier?', CURRENT_TIMESTAMP FROM campaigns")).await;
    let fields = "SELECT name || ':' || COALESCE(description, '-') || ':' || CAST(deleted_at IS NULL AS TEXT) FROM custom_fields";
    let kept = strings(db, fields).await;
    assert_eq!(kept.len(), 1);
    assert!(kept[0].starts_with("Tier:Which tier?:"), "{kept:?}");

    // Down through the latest migration to 000027 (client cost exceptions) to before 000026.
    let after_000025 = (Migrator::migrations().len() - 25) as u32;
    Migrator::down(db, Some(after_000025)).await.unwrap();
    assert!(db
        .execute_unprepared("SELECT description FROM custom_fields")
        .await
        .is_err());
    assert!(db
        .execute_unprepared("SELECT deleted_at FROM custom_fields")
        .await
        .is_err());
    assert_eq!(
        strings(db, "SELECT name FROM custom_fields").await,
        ["Tier"]
    );

    Migrator::up(db, Some(4)).await.unwrap();
    let back = strings(db, fields).await;
    assert!(
        back[0].starts_with("Tier:-:"),
        "the columns are back, empty: {back:?}"
    );
    Migrator::reset(db).await.unwrap();
}
