-- Whether the person agreed that a shared affinity group may be named to their partner.
ALTER TABLE profiles ADD COLUMN share_affinity_with_partner BOOLEAN NOT NULL DEFAULT 0;

-- Explanations no longer name an affinity group: rewrite the ones stored before.
UPDATE matches SET explanation = (
  SELECT json_group_array(
    CASE WHEN json_extract(e.value, '$.criterion') = 'affinity'
          AND json_extract(e.value, '$.detail') LIKE 'Both chose to share:%'
      THEN json_set(e.value, '$.detail', 'A shared affinity group (which one is not shown)')
      ELSE json(e.value) END)
  FROM (SELECT value FROM json_each(matches.explanation) ORDER BY key) AS e)
WHERE explanation LIKE '%Both chose to share:%';
