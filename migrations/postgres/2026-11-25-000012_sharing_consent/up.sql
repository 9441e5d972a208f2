-- Whether the person agreed that a shared affinity group may be named to their partner.
ALTER TABLE profiles ADD COLUMN share_affinity_with_partner BOOLEAN NOT NULL DEFAULT FALSE;

-- Explanations no longer name an affinity group: rewrite the ones stored before.
UPDATE matches SET explanation = (
  SELECT jsonb_agg(
    CASE WHEN e.line->>'criterion' = 'affinity' AND e.line->>'detail' LIKE 'Both chose to share:%'
      THEN jsonb_set(e.line, '{detail}', to_jsonb('A shared affinity group (which one is not shown)'::text))
      ELSE e.line END
    ORDER BY e.n)
  FROM jsonb_array_elements(matches.explanation::jsonb) WITH ORDINALITY AS e(line, n))::text
WHERE explanation LIKE '%Both chose to share:%';
