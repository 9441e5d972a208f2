ALTER TABLE profiles DROP COLUMN share_affinity_with_partner;
