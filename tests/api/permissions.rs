//! Granular permissions: the matrix of roles (and a custom set) × mutations — each mutation is
//! allowed exactly when the caller holds its permission, and a refused one writes nothing —
//! `viewer.permissions`, and `setUserPermissions`.

use partnergraph::domain::UserRole;
use partnergraph::service::accounts::{self, NewAccount};
use serde_json::{json, Value};

use crate::contract_support::{
    act, active_partners, base, counts, day, expire, ids, plain_actives, with,
};
use crate::groups::{create_group, partner_ids};
use crate::support::{backend_tests, TestApp};

/// A caller of the account with `role`: its Basic-auth header and user id.
async fn caller(app: &TestApp, acme: &NewAccount, role: UserRole, name: &str) -> (String, i64) {
    let email = format!("{name}@acme.example");
    let user = accounts::add_user(&app.db, acme.account_id, name, &email, role)
        .await
        .unwrap();
    let token = accounts::issue_credential(&app.db, acme.account_id, user, name)
        .await
        .unwrap();
    (TestApp::basic(&acme.account_sid, &token), user)
}

/// One mutation of the matrix: the permissions it needs (all of them), the operation, its
/// variables, and the rows (a `count_rows` table clause) it writes when allowed.
struct Case {
    needs: &'static [&'static str],
    operation: &'static str,
    variables: Value,
    writes: String,
}

/// What an invitation of the matrix needs: the account's second campaign, one of its
/// templates, and partners of the first campaign not in the second.
struct Invite {
    target: i64,
    template: i64,
    partners: Vec<i64>,
}

async fn invite_setup(app: &TestApp, acme: &NewAccount) -> Invite {
    let (first, target) = (acme.campaign_ids[0], acme.campaign_ids[1]);
    let number = |text: &Option<String>| text.as_deref().unwrap().parse::<i64>().unwrap();
    let template = app
        .texts(&format!(
            "SELECT CAST(MIN(id) AS TEXT) FROM contract_templates WHERE campaign_id = {target}"
        ))
        .await;
    let partners = app
        .texts(&format!(
            "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {first}
             AND partner_id NOT IN (SELECT partner_id FROM campaign_partners WHERE campaign_id = {target})
             AND (email IS NULL OR email NOT IN (SELECT email FROM campaign_partners WHERE campaign_id = {target} AND email IS NOT NULL))
             ORDER BY partner_id LIMIT 3"
        ))
        .await;
    assert_eq!(partners.len(), 3, "partners to invite");
    Invite {
        target,
        template: number(&template[0]),
        partners: partners.iter().map(number).collect(),
    }
}

/// What the matrix acts on in a campaign: partners with an active contract, a group, an
/// invitation's target, a paragraph field, partners with an open-ended active contract
/// (three of them with an expiry scheduled), a template of its own, and for each of the three
/// callers a suspended partner, one to switch, one with a scheduled switch, one with a
/// proposal, one to expire, and two groups (to rename, to delete).
struct Fixture {
    campaign: i64,
    partners: Vec<i64>,
    group: i64,
    invite: Invite,
    field: i64,
    open: Vec<i64>,
    terms: i64,
    /// Three each: suspended, to switch, with a switch, with a proposal, to expire.
    plain: Vec<i64>,
    groups: Vec<i64>,
}

/// Contract actions the fixture takes as the administrator.
async fn prepared(app: &TestApp, acme: &NewAccount, name: &str, input: Value) {
    let payload = act(app, acme, name, input_of(name), input).await;
    assert_eq!(counts(&payload).1, 3, "{name}: {payload}");
}

fn input_of(name: &str) -> &'static str {
    match name {
        "suspendPartners" => "PartnerStandingInput",
        _ => "SwitchPartnerContractsInput",
    }
}

async fn fixture(app: &TestApp, acme: &NewAccount, group_name: &str) -> Fixture {
    let campaign = acme.campaign_ids[0];
    let partners = partner_ids(
        app,
        acme,
        campaign,
        json!({ "contractStatuses": ["ACTIVE"] }),
    )
    .await;
    let open: Vec<i64> = active_partners(app, acme, campaign)
        .await
        .into_iter()
        .filter(|p| !partners[..10].contains(p))
        .take(6)
        .collect();
    assert_eq!(open.len(), 6, "open-ended contracts for the matrix");
    let scheduled = expire(
        app,
        acme,
        with(
            base(campaign, ids(&open[3..])),
            json!({ "expireOn": day(400) }),
        ),
    )
    .await;
    assert_eq!(counts(&scheduled).1, 3, "{scheduled}");
    let created = app.data_as(acme, "mutation($i: CreateContractTemplateInput!) { createContractTemplate(input: $i) { template { templateId } } }",
        json!({ "i": { "campaignId": campaign.to_string(), "template": { "name": "Matrix terms", "payoutType": "PERCENT_OF_SALE", "payoutValue": 6 } } })).await;
    let terms = created["createContractTemplate"]["template"]["templateId"]
        .as_i64()
        .unwrap();
    let plain: Vec<i64> = plain_actives(app, campaign, terms, 25)
        .await
        .into_iter()
        .filter(|p| !partners[..10].contains(p) && !open.contains(p))
        .take(15)
        .collect();
    assert_eq!(plain.len(), 15, "partners for the contract cases");
    let to = |which: usize| base(campaign, ids(&plain[3 * which..3 * which + 3]));
    prepared(app, acme, "suspendPartners", to(0)).await;
    let later = json!({ "templateId": terms.to_string(), "effectiveDate": day(30) });
    prepared(app, acme, "switchPartnerContracts", with(to(2), later)).await;
    let proposal = json!({ "templateId": terms.to_string(), "approval": "PROPOSE" });
    prepared(app, acme, "switchPartnerContracts", with(to(3), proposal)).await;
    let mut groups = Vec::new();
    for n in 0..6 {
        groups.push(create_group(app, acme, campaign, &format!("{group_name} {n}"), &[]).await);
    }
    Fixture {
        campaign,
        group: create_group(app, acme, campaign, group_name, &[]).await,
        invite: invite_setup(app, acme).await,
        field: paragraph_field(app, campaign).await,
        partners,
        open,
        terms,
        plain,
        groups,
    }
}

fn cases(f: &Fixture, user: i64, n: usize) -> Vec<Case> {
    let (campaign, partners, group, invite, field) =
        (f.campaign, &f.partners, f.group, &f.invite, f.field);
    let selection = json!({ "ids": [partners[n].to_string()] });
    let contract = |i: usize| json!({ "ids": [partners[3 + 2 * n + i].to_string()] });
    let plain = |which: usize| json!({ "ids": [f.plain[3 * which + n].to_string()] });
    vec![
        Case {
            needs: &["MANAGE_GROUPS"],
            operation: "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": selection, "add": [group.to_string()] } }),
            writes: format!("partner_group_members WHERE group_id = {group} AND partner_id = {}", partners[n]),
        },
        Case {
            needs: &["MANAGE_GROUPS"],
            operation: "mutation($i: CreatePartnerGroupInput!) { createPartnerGroup(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "name": format!("Made by {n}") } }),
            writes: format!("partner_groups WHERE name = 'Made by {n}'"),
        },
        Case {
            needs: &["ASSIGN_PARTNERS"],
            operation: "mutation($i: AssignPartnersInput!) { assignPartners(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": selection, "userId": user.to_string() } }),
            writes: format!("campaign_partners WHERE partner_id = {} AND assigned_user_id = {user}", partners[n]),
        },
        Case {
            needs: &["MANAGE_CONTRACTS"],
            operation: "mutation($i: CreateContractTemplateInput!) { createContractTemplate(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "template": { "name": format!("Terms {n}"), "payoutType": "PERCENT_OF_SALE", "payoutValue": 7 } } }),
            writes: format!("contract_templates WHERE name = 'Terms {n}'"),
        },
        Case {
            needs: &["MANAGE_CONTRACTS"],
            operation: "mutation($i: PartnerStandingInput!) { suspendPartners(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": contract(0) } }),
            writes: format!("campaign_partners WHERE campaign_id = {campaign} AND partner_id = {} AND contract_status = 'SUSPENDED'", partners[3 + 2 * n]),
        },
        Case {
            needs: &["EXPIRE_PARTNERS"],
            operation: "mutation($i: ExpirePartnersInput!) { expirePartners(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": contract(1), "expireOn": "2020-01-01" } }),
            writes: format!("campaign_partners WHERE campaign_id = {campaign} AND partner_id = {} AND contract_status = 'EXPIRED'", partners[3 + 2 * n + 1]),
        },
        // A temporary contract without a fallback expires the partnership at its end.
        Case {
            needs: &["EXPIRE_PARTNERS"],
            operation: "mutation($i: SwitchPartnerContractsInput!) { switchPartnerContracts(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": { "ids": [f.open[n].to_string()] },
                "newTemplate": { "name": format!("Temporary {n}"), "payoutType": "PERCENT_OF_SALE", "payoutValue": 5 },
                "effectiveDate": day(400), "endDate": day(401) } }),
            writes: format!("partner_contracts WHERE partner_id = {} AND status = 'UPCOMING' AND template_id IN \
                (SELECT id FROM contract_templates WHERE name = 'Temporary {n}')", f.open[n]),
        },
        // Withdrawing a scheduled expiry undoes an expiry.
        Case {
            needs: &["EXPIRE_PARTNERS"],
            operation: "mutation($i: WithdrawUpcomingContractChangesInput!) { withdrawUpcomingContractChanges(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": { "ids": [f.open[3 + n].to_string()] }, "expiries": true } }),
            writes: format!("partner_contracts WHERE campaign_id = {campaign} AND partner_id = {} AND status = 'ACTIVE' \
                AND expires_at IS NULL", f.open[3 + n]),
        },
        Case {
            needs: &["MANAGE_CONTRACTS"],
            operation: "mutation($i: PartnerStandingInput!) { reinstatePartners(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": plain(0) } }),
            writes: format!("campaign_partners WHERE campaign_id = {campaign} AND partner_id = {} AND contract_status = 'ACTIVE'", f.plain[n]),
        },
        Case {
            needs: &["MANAGE_CONTRACTS"],
            operation: "mutation($i: SwitchPartnerContractsInput!) { switchPartnerContracts(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": plain(1), "templateId": f.terms.to_string() } }),
            writes: format!("partner_contracts WHERE campaign_id = {campaign} AND partner_id = {} AND status = 'ACTIVE' AND template_id = {}", f.plain[3 + n], f.terms),
        },
        Case {
            needs: &["MANAGE_CONTRACTS"],
            operation: "mutation($i: WithdrawUpcomingContractChangesInput!) { withdrawUpcomingContractChanges(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": plain(2), "switches": true } }),
            writes: format!("partner_contracts WHERE campaign_id = {campaign} AND partner_id = {} AND status = 'WITHDRAWN'", f.plain[6 + n]),
        },
        Case {
            needs: &["MANAGE_CONTRACTS"],
            operation: "mutation($i: RecordProposalAnswerInput!) { recordProposalAnswer(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": plain(3), "accept": true } }),
            writes: format!("partner_contracts WHERE campaign_id = {campaign} AND partner_id = {} AND status = 'ACTIVE' AND template_id = {}", f.plain[9 + n], f.terms),
        },
        // Withdrawing switches and proposals on the way is managing contracts too.
        Case {
            needs: &["EXPIRE_PARTNERS", "MANAGE_CONTRACTS"],
            operation: "mutation($i: ExpirePartnersInput!) { expirePartners(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": plain(4), "expireOn": day(20), "withdrawPendingSwitches": true } }),
            writes: format!("partner_contracts WHERE campaign_id = {campaign} AND partner_id = {} AND status = 'ACTIVE' AND expires_at IS NOT NULL", f.plain[12 + n]),
        },
        Case {
            needs: &["MANAGE_GROUPS"],
            operation: "mutation($i: UpdatePartnerGroupInput!) { updatePartnerGroup(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "id": f.groups[n].to_string(), "name": format!("Renamed {n}") } }),
            writes: format!("partner_groups WHERE id = {} AND name = 'Renamed {n}'", f.groups[n]),
        },
        Case {
            needs: &["MANAGE_GROUPS"],
            operation: "mutation($i: DeletePartnerGroupInput!) { deletePartnerGroup(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "id": f.groups[3 + n].to_string() } }),
            writes: format!("campaigns WHERE id = {campaign} AND NOT EXISTS (SELECT 1 FROM partner_groups WHERE id = {})", f.groups[3 + n]),
        },
        Case {
            needs: &["EDIT_PARTNERS"],
            operation: "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "name": format!("New {n}"),
                "email": format!("new{n}@partner.example"), "country": "US" } }),
            writes: format!("campaign_partners WHERE email = 'new{n}@partner.example'"),
        },
        Case {
            needs: &["EDIT_PARTNERS"],
            operation: "mutation($i: CreateNoteInput!) { createNote(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "partnerId": partners[n].to_string(), "body": format!("Note {n}") } }),
            writes: format!("notes WHERE body = 'Note {n}'"),
        },
        Case {
            needs: &["EDIT_PARTNERS"],
            operation: "mutation($i: UpdateComplianceSettingsInput!) { updateComplianceSettings(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": selection, "auditRate": 40 + n } }),
            writes: format!("campaign_partners WHERE partner_id = {} AND compliance_audit_rate = {}", partners[n], 40 + n),
        },
        Case {
            needs: &["EDIT_PARTNERS"],
            operation: "mutation($i: UpdateTrackingSettingsInput!) { updateTrackingSettings(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": selection, "integration": "POSTBACK",
                "postbackUrl": format!("https://hooks{n}.partner.example/pb") } }),
            writes: format!("campaign_partners WHERE tracking_postback_url = 'https://hooks{n}.partner.example/pb'"),
        },
        Case {
            needs: &["EDIT_PARTNERS"],
            operation: "mutation($i: InvitePartnersInput!) { invitePartners(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "selection": { "ids": [invite.partners[n].to_string()] },
                "targetCampaignId": invite.target.to_string(), "templateId": invite.template.to_string() } }),
            writes: format!("campaign_partners WHERE campaign_id = {} AND partner_id = {}", invite.target, invite.partners[n]),
        },
        Case {
            needs: &["EDIT_PARTNERS"],
            operation: "mutation($i: CreateActionTrackerInput!) { createActionTracker(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "name": format!("Tracker {n}") } }),
            writes: format!("action_trackers WHERE name = 'Tracker {n}'"),
        },
        Case {
            needs: &["EDIT_PARTNERS"],
            operation: "mutation($i: CreateCustomFieldInput!) { createCustomField(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "name": format!("Question {n}"), "displayType": "CHECKBOXES", "options": ["Yes"] } }),
            writes: format!("custom_fields WHERE name = 'Question {n}' AND campaign_id = {campaign}"),
        },
        Case {
            needs: &["EDIT_PARTNERS"],
            operation: "mutation($i: SetCustomFieldAnswerInput!) { setCustomFieldAnswer(input: $i) { userErrors { code } } }",
            variables: json!({ "i": { "campaignId": campaign.to_string(), "partnerId": partners[n].to_string(), "fieldId": field.to_string(), "text": format!("Answer {n}") } }),
            writes: format!("custom_field_answers WHERE field_id = {field} AND partner_id = {} AND text_value = 'Answer {n}'", partners[n]),
        },
    ]
}

async fn try_all(app: &TestApp, header: &str, holds: &[&str], cases: Vec<Case>, who: &str) {
    for case in cases {
        let (_, body) = app
            .graphql_as(Some(header), case.operation, case.variables)
            .await;
        let written = app.count_rows(&case.writes).await;
        if case.needs.iter().all(|p| holds.contains(p)) {
            assert!(
                body.get("errors").is_none(),
                "{who}: {} allowed: {body}",
                case.operation
            );
            let errors = &body["data"].as_object().unwrap().values().next().unwrap()["userErrors"];
            assert_eq!(errors, &json!([]), "{who}: {}", case.operation);
            assert_eq!(written, 1, "{who}: {} wrote", case.operation);
        } else {
            assert_eq!(
                crate::first_error_code(&body),
                "FORBIDDEN",
                "{who}: {}: {body}",
                case.operation
            );
            assert_eq!(
                written, 0,
                "{who}: {} refused, nothing written",
                case.operation
            );
        }
    }
}

/// A paragraph field of the campaign (the seed gives every campaign one of each type).
async fn paragraph_field(app: &TestApp, campaign: i64) -> i64 {
    app.texts(&format!("SELECT CAST(MIN(id) AS TEXT) FROM custom_fields WHERE campaign_id = {campaign} AND display_type = 'PARAGRAPH'"))
        .await[0].as_deref().expect("a paragraph field").parse().unwrap()
}

const VIEWER: &str = "{ viewer { permissions user { permissions permissionsFromRole } } }";

/// Every bulk mutation, each with input it cannot read (a campaign id that is none, and what
/// else it would refuse): a caller without the permission gets `FORBIDDEN`, never a user error
/// that reads its input first.
const UNREADABLE: &[&str] = &[
    "changePartnerGroups(input: { campaignId: \"abc\", selection: { ids: [\"1\"] } }) { userErrors { code } }",
    "assignPartners(input: { campaignId: \"abc\", selection: { ids: [\"1\"] }, userId: \"1\", unassign: true }) { userErrors { code } }",
    "switchPartnerContracts(input: { campaignId: \"abc\", selection: { ids: [\"1\"] } }) { userErrors { code } }",
    "suspendPartners(input: { campaignId: \"abc\", selection: { ids: [\"1\"] } }) { userErrors { code } }",
    "reinstatePartners(input: { campaignId: \"abc\", selection: { ids: [\"1\"] } }) { userErrors { code } }",
    "expirePartners(input: { campaignId: \"abc\", selection: { ids: [\"1\"] }, expireOn: \"2020-01-01\" }) { userErrors { code } }",
    "withdrawUpcomingContractChanges(input: { campaignId: \"abc\", selection: { ids: [\"1\"] } }) { userErrors { code } }",
    "recordProposalAnswer(input: { campaignId: \"abc\", selection: { ids: [\"1\"] }, accept: true }) { userErrors { code } }",
    "updatePartnerRelationship(input: { campaignId: \"abc\", selection: { ids: [\"1\"] } }) { userErrors { code } }",
    "updateComplianceSettings(input: { campaignId: \"abc\", selection: { ids: [\"1\"] } }) { userErrors { code } }",
    "updateClientCostSettings(input: { campaignId: \"abc\", selection: { ids: [\"1\"] }, exceptions: [{ actionTrackerId: \"x\", costType: PAYOUT_PLUS_FEE }] }) { userErrors { code } }",
    "updateTrackingSettings(input: { campaignId: \"abc\", selection: { ids: [\"1\"] }, integration: NONE }) { userErrors { code } }",
    "invitePartners(input: { campaignId: \"abc\", selection: { ids: [\"1\"] }, targetCampaignId: \"x\", templateId: \"x\" }) { userErrors { code } }",
    "setCustomFieldAnswer(input: { campaignId: \"abc\", partnerId: \"x\", fieldId: \"x\", text: \"t\" }) { userErrors { code } }",
    "clearCustomFieldAnswer(input: { campaignId: \"abc\", partnerId: \"x\", fieldId: \"x\" }) { userErrors { code } }",
    "setCustomFieldAnswers(input: { campaignId: \"abc\", selection: { ids: [\"1\"] }, fieldId: \"x\", clear: true }) { userErrors { code } }",
];

backend_tests! {
    async fn a_caller_without_the_permission_is_refused_before_its_input_is_read(app) {
        let acme = app.seed_account(3, 83).await;
        let (ray, _) = caller(&app, &acme, UserRole::ReadOnly, "ray").await;
        for mutation in UNREADABLE {
            let (_, body) = app.graphql_as(Some(&ray), &format!("mutation {{ {mutation} }}"), json!({})).await;
            assert_eq!(crate::first_error_code(&body), "FORBIDDEN", "{mutation}: {body}");
            // An administrator is told what is wrong with it.
            let answer = app.data_as(&acme, &format!("mutation {{ {mutation} }}"), json!({})).await;
            let errors = &answer.as_object().unwrap().values().next().unwrap()["userErrors"];
            assert_ne!(errors, &json!([]), "{mutation}: {answer}");
        }
        // Applying a group file: the campaign id that is none is not read for the read-only
        // caller either (a preview needs no permission and says what is wrong).
        let file = |apply: bool| json!({ "query": crate::group_file::BULK_EDIT, "variables": { "c": "abc", "file": null, "apply": apply } });
        let (_, body) = crate::support::post_file(&app.base_url, &ray, &file(true), "groups.csv", b"Partner Id\n1\n".to_vec()).await;
        assert_eq!(crate::first_error_code(&body), "FORBIDDEN", "{body}");
        let (_, body) = crate::support::post_file(&app.base_url, &ray, &file(false), "groups.csv", b"Partner Id\n1\n".to_vec()).await;
        assert_eq!(body["data"]["bulkEditPartnerGroups"]["userErrors"][0]["code"], "INVALID", "{body}");
    }

    async fn each_role_may_do_exactly_what_its_preset_grants(app) {
        let acme = app.seed_account(80, 81).await;
        let f = fixture(&app, &acme, "Matrix").await;
        let roles = [
            (UserRole::Administrator, "ada", vec!["MANAGE_GROUPS", "ASSIGN_PARTNERS", "MANAGE_CONTRACTS", "EXPIRE_PARTNERS", "EDIT_PARTNERS", "MANAGE_USERS"]),
            (UserRole::Editor, "eve", vec!["MANAGE_GROUPS", "ASSIGN_PARTNERS", "MANAGE_CONTRACTS", "EDIT_PARTNERS"]),
            (UserRole::ReadOnly, "ray", vec![]),
        ];
        for (n, (role, name, preset)) in roles.into_iter().enumerate() {
            let (header, user) = caller(&app, &acme, role, name).await;
            let (_, body) = app.graphql_as(Some(&header), VIEWER, json!({})).await;
            assert_eq!(body["data"]["viewer"]["permissions"], json!(preset), "{name}");
            assert_eq!(body["data"]["viewer"]["user"]["permissions"], json!(preset), "{name}");
            assert_eq!(body["data"]["viewer"]["user"]["permissionsFromRole"], true);
            try_all(&app, &header, &preset, cases(&f, user, n), name).await;
        }
    }

    async fn an_administrator_grants_and_withdraws_single_permissions(app) {
        let acme = app.seed_account(80, 82).await;
        let f = fixture(&app, &acme, "Custom").await;
        let (ray, ray_id) = caller(&app, &acme, UserRole::ReadOnly, "ray").await;
        let (eve, eve_id) = caller(&app, &acme, UserRole::Editor, "eve").await;
        const SET: &str = "mutation($i: SetUserPermissionsInput!) { setUserPermissions(input: $i) {
            user { permissions permissionsFromRole } userErrors { field code } } }";

        // An editor may not manage users.
        let (_, body) = app.graphql_as(Some(&eve), SET, json!({ "i": { "userId": ray_id.to_string(), "permissions": ["ASSIGN_PARTNERS"] } })).await;
        assert_eq!(crate::first_error_code(&body), "FORBIDDEN", "{body}");

        let set = app.data_as(&acme, SET, json!({ "i": { "userId": ray_id.to_string(), "permissions": ["ASSIGN_PARTNERS"] } })).await;
        assert_eq!(set["setUserPermissions"]["user"], json!({ "permissions": ["ASSIGN_PARTNERS"], "permissionsFromRole": false }));
        try_all(&app, &ray, &["ASSIGN_PARTNERS"], cases(&f, ray_id, 0), "ray with ASSIGN_PARTNERS").await;

        app.data_as(&acme, SET, json!({ "i": { "userId": eve_id.to_string(), "permissions": [] } })).await;
        try_all(&app, &eve, &[], cases(&f, eve_id, 1), "eve with nothing").await;
        // Back to the preset.
        let set = app.data_as(&acme, SET, json!({ "i": { "userId": eve_id.to_string(), "permissions": null } })).await;
        assert_eq!(set["setUserPermissions"]["user"]["permissionsFromRole"], true);
        try_all(&app, &eve, &["MANAGE_GROUPS", "ASSIGN_PARTNERS", "MANAGE_CONTRACTS", "EDIT_PARTNERS"], cases(&f, eve_id, 2), "eve again").await;

        // Expiring needs EXPIRE_PARTNERS; withdrawing pending switches on the way needs
        // MANAGE_CONTRACTS as well (ray's earlier cases left this partner alone).
        app.data_as(&acme, SET, json!({ "i": { "userId": ray_id.to_string(), "permissions": ["EXPIRE_PARTNERS"] } })).await;
        let expiry = |withdraw: bool| json!({ "i": { "campaignId": f.campaign.to_string(), "selection": { "ids": [f.plain[12].to_string()] },
            "expireOn": day(20), "withdrawPendingSwitches": withdraw } });
        const EXPIRE: &str = "mutation($i: ExpirePartnersInput!) { expirePartners(input: $i) { affectedCount userErrors { code } } }";
        let (_, body) = app.graphql_as(Some(&ray), EXPIRE, expiry(true)).await;
        assert_eq!(crate::first_error_code(&body), "FORBIDDEN", "{body}");
        let scheduled = format!("partner_contracts WHERE campaign_id = {} AND partner_id = {} AND expires_at IS NOT NULL", f.campaign, f.plain[12]);
        assert_eq!(app.count_rows(&scheduled).await, 0, "refused, nothing written");
        let (_, body) = app.graphql_as(Some(&ray), EXPIRE, expiry(false)).await;
        assert_eq!(body["data"]["expirePartners"]["affectedCount"], 1, "{body}");
        assert_eq!(app.count_rows(&scheduled).await, 1);

        // No administrator locks themselves out; another account's user is unknown.
        let set = app.data_as(&acme, SET, json!({ "i": { "userId": acme.user_id.to_string(), "permissions": ["MANAGE_GROUPS"] } })).await;
        assert_eq!(set["setUserPermissions"]["userErrors"][0]["code"], "INVALID", "{set}");
        let other = app.account.user_id;
        let set = app.data_as(&acme, SET, json!({ "i": { "userId": other.to_string(), "permissions": [] } })).await;
        assert_eq!(set["setUserPermissions"]["userErrors"][0]["code"], "NOT_FOUND", "{set}");
        assert_eq!(app.count_rows(&format!("account_users WHERE id = {other} AND permissions IS NOT NULL")).await, 0);
    }
}
