-- The floor of an expiry of 100,000 partners at a million (BENCHMARKS.md, "The floor of an
-- expiry in any data model"): only the writes the requirements impose, each in its narrowest
-- form, committed. Run once per fresh copy of a seeded, vacuumed database:
--
--   psql -c "CREATE DATABASE floor1 TEMPLATE export1m"
--   psql floor1 -v ON_ERROR_STOP=1 -f benches/sql/expiry_floor.sql
--
-- It changes the copy (the expiry is committed): drop it afterwards.

-- One narrow row per partner for its activity and history entries together, the action's own
-- details once (not part of the timed transaction).
CREATE TABLE IF NOT EXISTS entries_narrow (batch_id bigint NOT NULL, campaign_id bigint NOT NULL,
  partner_id bigint NOT NULL, before text, PRIMARY KEY (batch_id, partner_id));
CREATE INDEX IF NOT EXISTS ix_en_partner ON entries_narrow (campaign_id, partner_id, batch_id);
CREATE TABLE IF NOT EXISTS entry_batches (id bigint PRIMARY KEY, campaign_id bigint, action text,
  user_id bigint, details text, created_at timestamptz);
-- The bench's selection: campaign 1's 100,000 most recently joined partners.
SELECT date_joined AS since FROM campaign_partners WHERE campaign_id = 1
  AND date_joined IS NOT NULL ORDER BY date_joined DESC OFFSET 99999 LIMIT 1 \gset

\timing on
BEGIN;
SELECT set_config('partnergraph.stage_copy', 'paused', true);
INSERT INTO change_log_pauses (campaign_id) VALUES (1);
-- 1. The selection, each partner's state read from its relationship row alone.
CREATE TEMP TABLE sel (partner_id bigint PRIMARY KEY, before text) ON COMMIT DROP;
INSERT INTO sel SELECT partner_id, '{"contractStatus":' || coalesce('"' || contract_status || '"', 'null')
  || ',"stage":"' || relationship_stage || '"}' FROM campaign_partners
  WHERE campaign_id = 1 AND date_joined >= :'since' ORDER BY partner_id;
ANALYZE sel;
-- 2. The relationship rows and the list's stage index, in one statement.
WITH changed AS (UPDATE campaign_partners SET contract_status = 'EXPIRED',
    relationship_stage = 'EXPIRED', updated_at = now()
  WHERE campaign_id = 1 AND partner_id = ANY(ARRAY(SELECT partner_id FROM sel))
    AND (contract_status IS DISTINCT FROM 'EXPIRED' OR relationship_stage <> 'EXPIRED')
  RETURNING id, relationship_stage)
UPDATE campaign_partner_stages SET relationship_stage = changed.relationship_stage FROM changed
  WHERE campaign_partner_stages.id = changed.id
    AND campaign_partner_stages.relationship_stage IS DISTINCT FROM changed.relationship_stage;
-- 3. One narrow entry per partner.
INSERT INTO entry_batches VALUES (1, 1, 'CONTRACT_EXPIRED', 1,
  '{"after":{"contractStatus":"EXPIRED","stage":"EXPIRED"},"input":{"now":true}}', now());
INSERT INTO entries_narrow SELECT 1, 1, partner_id, before FROM sel;
-- 4. The facet index's change log.
INSERT INTO campaign_list_versions (campaign_id, version) VALUES (1, 1)
  ON CONFLICT (campaign_id) DO UPDATE SET version = campaign_list_versions.version + 1;
INSERT INTO campaign_list_changes (campaign_id, version, partner_id)
  SELECT v.campaign_id, v.version, s.partner_id FROM campaign_list_versions v, sel s
  WHERE v.campaign_id = 1;
DELETE FROM change_log_pauses WHERE campaign_id = 1;
COMMIT;
