//! What the page's joined relation statements return: a partner's groups by name, and each
//! custom field answer's chosen options with their labels in the field's order (the answers,
//! their chosen options and the options' labels are read in one statement).

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::support::{backend_tests, TestApp};

const PAGE: &str = "query($c: ID!, $f: PartnerFilter) {
  partners(campaignId: $c, filter: $f, first: 200, orderBy: [{ field: PARTNER_ID, direction: ASC }]) {
    nodes { partnerId groups { groupId name }
      customFields { customFieldId options { optionId label } } } } }";

/// The first column of `sql`'s rows as numbers.
async fn numbers(app: &TestApp, sql: &str) -> Vec<i64> {
    app.texts(sql)
        .await
        .into_iter()
        .map(|t| t.unwrap().parse().unwrap())
        .collect()
}

/// `(optionId, label)` pairs of one partner's answer to `field`, as the API lists them.
fn chosen(page: &Value, partner: i64, field: i64) -> Vec<(i64, String)> {
    let node = page["partners"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["partnerId"] == partner)
        .unwrap();
    let answer = node["customFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["customFieldId"] == field)
        .unwrap();
    answer["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["optionId"].as_i64().unwrap(),
                o["label"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

backend_tests! {
    async fn chosen_options_come_with_their_labels_in_the_fields_order(app) {
        let acme = app.seed_account(120, 71).await;
        let c = acme.campaign_ids[0];
        // A partner who ticked at least two boxes of a checkboxes field.
        let pick = app.texts(&format!(
            "SELECT CAST(field_id AS TEXT) || ':' || CAST(partner_id AS TEXT) FROM custom_field_answer_options \
             WHERE campaign_id = {c} GROUP BY field_id, partner_id HAVING COUNT(*) >= 2 ORDER BY 1 LIMIT 1")).await;
        let pick = pick[0].as_deref().expect("a partner with two chosen options");
        let (field, partner) = pick.split_once(':').unwrap();
        let (field, partner): (i64, i64) = (field.parse().unwrap(), partner.parse().unwrap());
        let expected = |order: &'static str| {
            let app = &app;
            async move {
                let sql = format!(
                    "SELECT CAST(o.id AS TEXT) || ':' || o.label FROM custom_field_answer_options a \
                     JOIN custom_field_options o ON o.id = a.option_id \
                     WHERE a.field_id = {field} AND a.partner_id = {partner} ORDER BY o.position {order}, o.id {order}");
                app.texts(&sql).await.into_iter().map(|t| {
                    let t = t.unwrap();
                    let (id, label) = t.split_once(':').unwrap();
                    (id.parse::<i64>().unwrap(), label.to_owned())
                }).collect::<Vec<_>>()
            }
        };
        let vars = json!({ "c": c.to_string(), "f": null });
        let page = app.data_as(&acme, PAGE, vars.clone()).await;
        let before = expected("ASC").await;
        assert!(before.len() >= 2);
        assert_eq!(chosen(&page, partner, field), before);

        // The field's options put in the reverse order: the answer follows it.
        let positions = numbers(&app, &format!("SELECT CAST(MAX(position) AS TEXT) FROM custom_field_options WHERE field_id = {field}")).await[0];
        app.db.execute_unprepared(&format!(
            "UPDATE custom_field_options SET position = {positions} - position WHERE field_id = {field}")).await.unwrap();
        let page = app.data_as(&acme, PAGE, vars.clone()).await;
        let reversed = chosen(&page, partner, field);
        assert_eq!(reversed, expected("ASC").await);
        assert_ne!(reversed, before, "the order is the field's, not the ids'");

        // A chosen option whose option is gone is not listed; the answer and its other options are.
        let gone = reversed[0].0;
        app.db.execute_unprepared(&format!("DELETE FROM custom_field_options WHERE id = {gone}")).await.unwrap();
        let page = app.data_as(&acme, PAGE, vars).await;
        assert_eq!(chosen(&page, partner, field), reversed[1..].to_vec());
    }

    async fn groups_are_read_with_their_memberships_by_name(app) {
        let acme = app.seed_account(150, 72).await;
        let c = acme.campaign_ids[0];
        let vars = json!({ "c": c.to_string(), "f": null });
        let page = app.data_as(&acme, PAGE, vars).await;
        let mut checked = 0;
        for node in page["partners"]["nodes"].as_array().unwrap() {
            let p = node["partnerId"].as_i64().unwrap();
            let expected: Vec<Option<String>> = app.texts(&format!(
                "SELECT g.name FROM partner_group_members m JOIN partner_groups g ON g.id = m.group_id \
                 WHERE m.campaign_id = {c} AND m.partner_id = {p} ORDER BY g.name, g.id")).await;
            let got: Vec<Option<String>> = node["groups"].as_array().unwrap().iter()
                .map(|g| g["name"].as_str().map(str::to_owned)).collect();
            assert_eq!(got, expected, "partner {p}");
            checked += usize::from(!got.is_empty());
        }
        assert!(checked >= 10, "the seeded page has members of groups: {checked}");
    }
}
