//! Account-level data: the brand's name, its users (every role, realistic names and titles)
//! and the links it keeps between its partners.

use std::collections::HashSet;

use chrono::Duration;
use rand::Rng;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, Value};

use super::generator::Generator;
use super::insert::next;
use super::pick::{between, cover, pick, slug, weighted, Rng8};
use super::tables::PARTNER_ACCOUNT_LINKS;
use super::words::{BRAND_FIRST, BRAND_SECOND, FIRST_NAMES, LAST_NAMES, LINK_REASONS, USER_TITLES};
use crate::domain::UserRole;
use crate::error::AppResult;
use crate::service::accounts::add_user;

/// A brand name not used yet in this run ("Northwind Outfitters", "Acme Pets 3").
pub(crate) fn brand_name(rng: &mut Rng8, used: &mut HashSet<String>) -> String {
    let base = format!("{} {}", pick(rng, BRAND_FIRST), pick(rng, BRAND_SECOND));
    let mut name = base.clone();
    let mut n = 1;
    while !used.insert(name.clone()) {
        n += 1;
        name = format!("{base} {n}");
    }
    name
}

/// Adds 4-8 users of every role to the account (after the administrator `create_account`
/// made); returns every user id, the administrator first.
pub(crate) async fn create_users(
    db: &impl ConnectionTrait,
    rng: &mut Rng8,
    account_id: i64,
    admin_id: i64,
    brand: &str,
) -> AppResult<Vec<i64>> {
    let domain = format!("{}.example", slug(brand));
    let mut users = vec![admin_id];
    let mut emails = HashSet::new();
    let count = rng.random_range(4..=8);
    for i in 0..count {
        let role = cover(i, UserRole::ALL).unwrap_or_else(|| {
            weighted(
                rng,
                &[
                    (UserRole::Editor, 50),
                    (UserRole::ReadOnly, 30),
                    (UserRole::Administrator, 20),
                ],
            )
        });
        let (first, last) = (*pick(rng, FIRST_NAMES), *pick(rng, LAST_NAMES));
        let mut email = format!("{}.{}@{domain}", slug(first), slug(last));
        if !emails.insert(email.clone()) {
            email = format!("{}.{}{}@{domain}", slug(first), slug(last), i + 1);
            emails.insert(email.clone());
        }
        let id = add_user(db, account_id, &format!("{first} {last}"), &email, role).await?;
        let title = *pick(rng, USER_TITLES);
        let mut update = Query::update();
        update
            .table("account_users")
            .value("title", Value::from(title))
            .and_where(Expr::col("id").eq(id));
        db.execute(&update).await?;
        users.push(id);
    }
    Ok(users)
}

impl Generator {
    /// 3-8 links between pairs of the account's partners.
    pub(crate) fn account_links(&mut self) {
        if self.partners_total < 2 {
            return;
        }
        let count = self.rng.random_range(3..=8);
        let mut pairs: Vec<(i64, i64)> = Vec::new();
        for _ in 0..count {
            let a = self.first_partner_id + self.rng.random_range(0..self.partners_total) as i64;
            let b = self.first_partner_id + self.rng.random_range(0..self.partners_total) as i64;
            if a == b || pairs.contains(&(a, b)) {
                continue;
            }
            pairs.push((a, b));
            let id = next(&mut self.ids.link);
            let reason = *pick(&mut self.rng, LINK_REASONS);
            let created_at = between(&mut self.rng, self.now - Duration::days(700), self.now);
            self.batch.rows(&PARTNER_ACCOUNT_LINKS).push([
                id.into(),
                self.account_id.into(),
                a.into(),
                b.into(),
                Value::from(reason),
                created_at.into(),
            ]);
        }
    }
}
