//! `generate`: determinism, appending to existing data, and the million-partner timing.

use std::time::Instant;

use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set, Statement};

use super::{temp_postgres, temp_sqlite, TempDb};
use crate::config::DatabaseConfig;
use crate::seed::*;

async fn partner_names(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT name FROM partners ORDER BY id".to_owned(),
        ))
        .await
        .expect("names");
    rows.iter()
        .filter_map(|r| r.try_get::<String>("", "name").ok())
        .collect()
}

async fn check_determinism([one, two, other]: [TempDb; 3]) {
    let opts = SeedOptions {
        accounts: 2,
        partners: 250,
        seed: 7,
        progress: false,
    };
    let created = generate(&one.db, &opts).await.expect("generate");
    generate(&two.db, &opts).await.expect("generate");
    let reseeded = SeedOptions {
        seed: 8,
        ..opts.clone()
    };
    generate(&other.db, &reseeded).await.expect("generate");
    assert_eq!(created.len(), 2);
    assert!(created.iter().all(|a| a.campaign_ids.len() == 2));
    let names = partner_names(&one.db).await;
    assert_eq!(names.len(), 500);
    assert_eq!(names, partner_names(&two.db).await);
    assert_ne!(names, partner_names(&other.db).await);
    // A second run appends after the existing ids, and ordinary inserts follow both.
    let more = SeedOptions {
        accounts: 1,
        partners: 20,
        ..opts
    };
    generate(&one.db, &more).await.expect("second run");
    assert_eq!(partner_names(&one.db).await.len(), 520);
    let now = chrono::Utc::now();
    let partner = entity::partner::ActiveModel {
        name: Set("Inserted Later".to_owned()),
        social_reach: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&one.db)
    .await
    .expect("insert after seeding");
    assert_eq!(partner.id, 521);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_partners() {
    check_determinism([
        temp_sqlite().await,
        temp_sqlite().await,
        temp_sqlite().await,
    ])
    .await;
    if let (Some(a), Some(b), Some(c)) = (
        temp_postgres().await,
        temp_postgres().await,
        temp_postgres().await,
    ) {
        check_determinism([a, b, c]).await;
    }
}

/// Times `generate` with 1,000,000 partners: `SEED_BENCH_URL=... cargo test --release seed_million -- --ignored --nocapture`.
#[tokio::test]
#[ignore]
async fn seed_million() {
    let url = std::env::var("SEED_BENCH_URL")
        .unwrap_or_else(|_| "sqlite:///tmp/seed_million.db?mode=rwc".to_owned());
    let partners = std::env::var("SEED_BENCH_PARTNERS")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1_000_000);
    let (db, _) = crate::db::connect(&DatabaseConfig::for_url(url.clone()))
        .await
        .expect("connect");
    crate::db::migrate(&db).await.expect("migrate");
    let started = Instant::now();
    let opts = SeedOptions {
        accounts: 1,
        partners,
        seed: 1,
        progress: true,
    };
    generate(&db, &opts).await.expect("generate");
    println!("{partners} partners on {url}: {:.1?}", started.elapsed());
}
