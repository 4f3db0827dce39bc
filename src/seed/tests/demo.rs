//! The demo account: its credentials, its enumeration coverage, and its consistency.

use std::collections::BTreeSet;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{all, number, strings, temp_dbs, temp_sqlite};
use crate::domain::*;
use crate::seed::*;
use crate::service::partners::listing::ListingColumns;

#[tokio::test]
async fn demo_account_gets_a_random_token_stored_only_hashed() {
    let mut tokens = BTreeSet::new();
    for t in temp_dbs().await.into_iter().chain([temp_sqlite().await]) {
        let account = seed_demo(&t.db).await.expect("seed_demo");
        assert_eq!(account.account_sid, DEMO_SID);
        assert_eq!(DEMO_SID.len(), 34);
        let token = account.auth_token.clone();
        assert!(token.len() >= 32 && token.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(
            tokens.insert(token.clone()),
            "a token of its own per database"
        );
        let header = format!("Basic {}", STANDARD.encode(format!("{DEMO_SID}:{token}")));
        let auth = crate::auth::authenticate(&t.db, &Default::default(), Some(&header))
            .await
            .expect("demo credentials");
        assert_eq!(auth.account_id, account.account_id);
        assert_eq!(auth.role, UserRole::Administrator);
        let stored = strings(&t.db, "SELECT token_hash AS v FROM api_credentials").await;
        assert!(stored.contains(&crate::auth::hash_token(&token)));
        assert!(!stored.contains(&token), "never the token itself");
        let name = strings(
            &t.db,
            &format!(
                "SELECT name AS v FROM accounts WHERE id = {}",
                account.account_id
            ),
        )
        .await;
        assert!(name.contains(DEMO_NAME));
    }
}

#[tokio::test]
async fn demo_data_shows_every_enumeration_value() {
    for t in temp_dbs().await {
        let db = &t.db;
        let account = seed_demo(db).await.expect("seed_demo");
        let a = account.account_id;
        let partners = format!("(SELECT partner_id FROM campaign_partners WHERE account_id = {a})");
        assert_eq!(number(db, &format!("SELECT COUNT(DISTINCT partner_id) AS n FROM campaign_partners WHERE account_id = {a}")).await, 300);
        let check = |column: &'static str,
                     table: &'static str,
                     filter: String,
                     expected: BTreeSet<String>| async move {
            let found = strings(
                db,
                &format!("SELECT DISTINCT {column} AS v FROM {table} WHERE {filter}"),
            )
            .await;
            assert!(
                found.is_superset(&expected),
                "{table}.{column}: {found:?} lacks some of {expected:?}"
            );
        };
        check(
            "role",
            "account_users",
            format!("account_id = {a}"),
            all(UserRole::ALL, UserRole::as_str),
        )
        .await;
        check(
            "size",
            "partners",
            format!("id IN {partners}"),
            all(PartnerSize::ALL, PartnerSize::as_str),
        )
        .await;
        check(
            "value",
            "partner_attributes",
            format!("kind = 'BUSINESS_MODEL' AND partner_id IN {partners}"),
            all(BusinessModel::ALL, BusinessModel::as_str),
        )
        .await;
        check(
            "property_type",
            "media_properties",
            format!("partner_id IN {partners}"),
            all(MediaPropertyType::ALL, MediaPropertyType::as_str),
        )
        .await;
        check(
            "platform",
            "media_properties",
            format!("partner_id IN {partners}"),
            all(SocialPlatform::ALL, SocialPlatform::as_str),
        )
        .await;
        for &c in &account.campaign_ids {
            let cp = format!("campaign_id = {c}");
            check(
                "relationship_type",
                "campaign_partners",
                cp.clone(),
                all(RelationshipType::ALL, RelationshipType::as_str),
            )
            .await;
            check(
                "relationship_stage",
                "campaign_partners",
                cp.clone(),
                all(RelationshipStage::ALL, RelationshipStage::as_str),
            )
            .await;
            check(
                "prospecting_source",
                "campaign_partners",
                cp.clone(),
                all(ProspectingSource::ALL, ProspectingSource::as_str),
            )
            .await;
            check(
                "contract_status",
                "campaign_partners",
                cp.clone(),
                all(ContractStatus::ALL, ContractStatus::as_str),
            )
            .await;
            check(
                "status",
                "partner_contracts",
                cp.clone(),
                all(ContractRecordStatus::ALL, ContractRecordStatus::as_str),
            )
            .await;
            let actions = strings(
                db,
                &format!("SELECT DISTINCT action AS v FROM contract_history WHERE {cp}"),
            )
            .await;
            assert!(
                actions.iter().all(|a| ContractAction::parse(a).is_some()),
                "every stored history action is one the API can show: {actions:?}"
            );
            check(
                "approval_option",
                "partner_contracts",
                cp.clone(),
                all(ApprovalOption::ALL, ApprovalOption::as_str),
            )
            .await;
            check(
                "display_type",
                "custom_fields",
                cp.clone(),
                all(CustomFieldDisplayType::ALL, CustomFieldDisplayType::as_str),
            )
            .await;
            check(
                "note_type",
                "notes",
                cp.clone(),
                all(NoteType::ALL, NoteType::as_str),
            )
            .await;
            let actions = [
                "CREATED",
                "PROPOSED",
                "ACCEPTED",
                "DECLINED",
                "SWITCHED",
                "SCHEDULED",
                "SUSPENDED",
                "EXPIRED",
                "REVERTED",
            ];
            check(
                "action",
                "contract_history",
                cp.clone(),
                actions.iter().map(|s| (*s).to_owned()).collect(),
            )
            .await;
        }
    }
}

#[tokio::test]
async fn demo_relationships_groups_and_contracts_are_consistent() {
    for t in temp_dbs().await {
        let db = &t.db;
        let account = seed_demo(db).await.expect("seed_demo");
        let (first, second) = (account.campaign_ids[0], account.campaign_ids[1]);
        assert_eq!(
            number(
                db,
                &format!("SELECT COUNT(*) AS n FROM campaign_partners WHERE campaign_id = {first}")
            )
            .await,
            300
        );
        assert_eq!(
            number(
                db,
                &format!(
                    "SELECT COUNT(*) AS n FROM campaign_partners WHERE campaign_id = {second}"
                )
            )
            .await,
            120
        );
        let joined_early = "SELECT COUNT(*) AS n FROM campaign_partners WHERE relationship_stage IN ('NEW', 'OUTREACH', 'NEGOTIATING') AND date_joined IS NOT NULL";
        assert_eq!(number(db, joined_early).await, 0);
        assert_listing_matches_profiles(db).await;
        let without_contract = "SELECT COUNT(*) AS n FROM campaign_partners cp WHERE relationship_stage IN ('JOINED', 'EXPIRED') \
        AND NOT EXISTS (SELECT 1 FROM partner_contracts pc WHERE pc.campaign_id = cp.campaign_id AND pc.partner_id = cp.partner_id)";
        assert_eq!(number(db, without_contract).await, 0);
        for c in [first, second] {
            let groups = number(
                db,
                &format!("SELECT COUNT(*) AS n FROM partner_groups WHERE campaign_id = {c}"),
            )
            .await;
            assert!((8..=15).contains(&groups), "{groups} groups");
            let smallest = format!(
            "SELECT MIN((SELECT COUNT(*) FROM partner_group_members m WHERE m.group_id = g.id)) AS n FROM partner_groups g WHERE g.campaign_id = {c}"
        );
            assert!(number(db, &smallest).await >= 5);
            let outsiders = format!(
            "SELECT COUNT(*) AS n FROM partner_group_members m WHERE m.campaign_id = {c} AND NOT EXISTS \
             (SELECT 1 FROM campaign_partners cp WHERE cp.campaign_id = {c} AND cp.partner_id = m.partner_id)"
        );
            assert_eq!(number(db, &outsiders).await, 0);
            let fields = number(
                db,
                &format!("SELECT COUNT(*) AS n FROM custom_fields WHERE campaign_id = {c}"),
            )
            .await;
            assert!((7..=10).contains(&fields));
            let answers = number(
                db,
                &format!("SELECT COUNT(*) AS n FROM custom_field_answers WHERE campaign_id = {c}"),
            )
            .await;
            let relationships = if c == first { 300 } else { 120 };
            assert!(
                answers >= fields * relationships / 5 && answers <= fields * relationships * 7 / 10,
                "{answers} answers"
            );
            let no_history = format!(
            "SELECT COUNT(*) AS n FROM partner_contracts pc WHERE campaign_id = {c} AND NOT EXISTS \
             (SELECT 1 FROM contract_history h WHERE h.contract_id = pc.id)"
        );
            assert_eq!(number(db, &no_history).await, 0);
        }
    }
}

/// Every relationship carries the listing columns the partner service derives from its profile.
async fn assert_listing_matches_profiles(db: &sea_orm::DatabaseConnection) {
    use sea_orm::EntityTrait;
    let partners: std::collections::HashMap<i64, entity::partner::Model> =
        entity::partner::Entity::find()
            .all(db)
            .await
            .expect("partners")
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let relationships = entity::campaign_partner::Entity::find()
        .all(db)
        .await
        .expect("relationships");
    assert!(!relationships.is_empty());
    for cp in relationships {
        let expected = ListingColumns::of(&partners[&cp.partner_id]);
        let stored = ListingColumns {
            partner_name: cp.partner_name,
            search_text: cp.search_text,
            country: cp.country,
            state_province: cp.state_province,
            size_rank: cp.size_rank,
            social_reach: cp.social_reach,
            moz_domain_authority: cp.moz_domain_authority,
            email: cp.email,
        };
        assert_eq!(stored, expected, "relationship {}", cp.id);
    }
}
