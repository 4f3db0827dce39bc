#!/usr/bin/env bash
# The floor of an expiry (BENCHMARKS.md, "The floor of an expiry in any data model"), with its
# step 2 (the relationship rows and the list's stage index) written three other ways, each run
# on a fresh copy of a seeded, vacuumed database:
#
#   floor     expiry_floor.sql as it is (rows and stage index in one statement)
#   no_stage  the relationship rows alone, no stage index at all (a model with stage sorts
#             served from memory)
#   reinsert  the rows, then the stage index's rows deleted and inserted again in stage order
#   sorted    the rows, then the stage index updated by id in partner order, a statement apart
#
#   PGHOST=127.0.0.1 PGPORT=5433 PGUSER=postgres benches/sql/expiry_floor_variants.sh export1m 3
#
# Prints each variant's statements over 5 ms and their sum, per run.
set -euo pipefail
template=${1:?template database}
runs=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
base="$here/expiry_floor.sql"
awk '/^-- 2\. The relationship rows/{exit} {print}' "$base" >"$work/head.sql"
awk '/^-- 3\. One narrow entry/{p=1} p{print}' "$base" >"$work/tail.sql"
changed="CREATE TEMP TABLE ch (id bigint, campaign_id bigint, partner_id bigint,
  relationship_stage varchar(32)) ON COMMIT DROP;
WITH changed AS (UPDATE campaign_partners SET contract_status = 'EXPIRED',
    relationship_stage = 'EXPIRED', updated_at = now()
  WHERE campaign_id = 1 AND partner_id = ANY(ARRAY(SELECT partner_id FROM sel))
    AND (contract_status IS DISTINCT FROM 'EXPIRED' OR relationship_stage <> 'EXPIRED')
  RETURNING id, campaign_id, partner_id, relationship_stage)
INSERT INTO ch SELECT * FROM changed;"
cp "$base" "$work/floor.sql"
{
  cat "$work/head.sql"
  echo "UPDATE campaign_partners SET contract_status = 'EXPIRED',
    relationship_stage = 'EXPIRED', updated_at = now()
  WHERE campaign_id = 1 AND partner_id = ANY(ARRAY(SELECT partner_id FROM sel))
    AND (contract_status IS DISTINCT FROM 'EXPIRED' OR relationship_stage <> 'EXPIRED');"
  cat "$work/tail.sql"
} >"$work/no_stage.sql"
{
  cat "$work/head.sql"
  echo "$changed"
  echo "WITH gone AS (DELETE FROM campaign_partner_stages s USING ch WHERE s.id = ch.id
    AND s.relationship_stage IS DISTINCT FROM ch.relationship_stage RETURNING s.id)
  INSERT INTO campaign_partner_stages SELECT ch.id, ch.campaign_id, ch.partner_id,
    ch.relationship_stage FROM ch JOIN gone USING (id)
  ORDER BY ch.campaign_id, ch.relationship_stage, ch.partner_id;"
  cat "$work/tail.sql"
} >"$work/reinsert.sql"
{
  cat "$work/head.sql"
  echo "$changed"
  echo "UPDATE campaign_partner_stages s SET relationship_stage = ch.relationship_stage
  FROM (SELECT * FROM ch ORDER BY partner_id) ch
  WHERE s.id = ch.id AND s.relationship_stage IS DISTINCT FROM ch.relationship_stage;"
  cat "$work/tail.sql"
} >"$work/sorted.sql"
for run in $(seq "$runs"); do
  for variant in floor no_stage reinsert sorted; do
    psql -qc "CREATE DATABASE expiry_floor_copy TEMPLATE $template"
    sleep 3
    printf '%s run %s:' "$variant" "$run"
    psql -d expiry_floor_copy -v ON_ERROR_STOP=1 -f "$work/$variant.sql" 2>&1 |
      sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' |
      awk '$1 > 5 { printf " %.0f", $1; sum += $1 } END { printf "  = %.0f ms\n", sum }'
    psql -qc "DROP DATABASE expiry_floor_copy"
  done
done
