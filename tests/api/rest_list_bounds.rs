//! The REST group list is bounded: each listed group shows its first 100 members (fewer on
//! pages holding many groups: 20,000 members per response at most) and, when it has more, the URI
//! of its next page of members; groups that fit keep the product's shape exactly.

use sea_orm::{ActiveModelTrait, ConnectionTrait};
use serde_json::{json, Value};

use crate::rest_support::{last_segment, Rest};
use crate::support::{backend_tests, TestApp};

async fn partner_ids(app: &TestApp, campaign: i64) -> Vec<i64> {
    let sql = format!("SELECT partner_id FROM campaign_partners WHERE campaign_id = {campaign} ORDER BY partner_id");
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get::<i64>("", "partner_id").unwrap())
        .collect()
}

fn member_ids(group: &Value) -> Vec<i64> {
    group["MediaPartners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["PartnerId"].as_str().unwrap().parse().unwrap())
        .collect()
}

backend_tests! {
    async fn listed_groups_show_their_first_members_and_link_the_rest(app) {
        let acme = app.seed_account(180, 141).await;
        let c = acme.campaign_ids[0];
        let rest = Rest::as_account(&app, &acme);
        let all = partner_ids(&app, c).await;
        let big = rest.create_group(c, "AAA big", &all[..150]).await;
        let small = rest.create_group(c, "AAB small", &all[..3]).await;

        let body = rest.get(&format!("{}?PageSize=2", rest.groups(c))).await.json();
        let listed = body["Groups"].as_array().unwrap();
        assert_eq!(last_segment(listed[0]["Uri"].as_str().unwrap()), big);
        assert_eq!(member_ids(&listed[0]), all[..100].to_vec(), "the first 100 by partner id");
        let next = listed[0]["@mediapartnersnextpageuri"].as_str().unwrap();
        assert_eq!(next, format!("{}?PageSize=100&Page=2", rest.group(c, big)));
        let rest_of_them = rest.get(next).await.json();
        assert_eq!(member_ids(&rest_of_them), all[100..150].to_vec());
        // A group that fits has the product's keys only.
        assert_eq!(last_segment(listed[1]["Uri"].as_str().unwrap()), small);
        let keys: Vec<&String> = listed[1].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Id", "Name", "MediaPartners", "Uri"]);
        assert_eq!(member_ids(&listed[1]), all[..3].to_vec());

        // A large PageSize over a few groups still shows 100 members of each: the split goes
        // by the groups the page holds.
        let groups_now = |body: &Value| body["Groups"].as_array().unwrap().len();
        let body = rest.get(&format!("{}?PageSize=20000", rest.groups(c))).await.json();
        assert!(groups_now(&body) < 200, "{}", groups_now(&body));
        assert_eq!(member_ids(&body["Groups"][0]), all[..100].to_vec());

        // Pages of many groups show fewer members of each: 20,000 / the groups on the page.
        let now = chrono::Utc::now();
        for i in 0..400 {
            entity::partner_group::ActiveModel {
                account_id: sea_orm::Set(acme.account_id),
                campaign_id: sea_orm::Set(c),
                name: sea_orm::Set(format!("ZZ filler {i:03}")),
                created_at: sea_orm::Set(now),
                updated_at: sea_orm::Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
        for page_size in [1_000, 20_000] {
            let body = rest.get(&format!("{}?PageSize={page_size}", rest.groups(c))).await.json();
            let on_page = groups_now(&body);
            assert!(on_page > 400, "{on_page}");
            let shown = 20_000 / on_page;
            let first = &body["Groups"][0];
            assert_eq!(member_ids(first), all[..shown].to_vec(), "PageSize {page_size}");
            assert_eq!(first["@mediapartnersnextpageuri"], json!(format!("{}?PageSize={shown}&Page=2", rest.group(c, big))));
            let total: usize = body["Groups"].as_array().unwrap().iter().map(|g| member_ids(g).len()).sum();
            assert!(total <= 20_000);
        }
    }
}
