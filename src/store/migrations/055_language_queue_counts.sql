-- 055 the account's language: what the app the person last used was set to ("zh-CN" or
-- "en"), so what gzf sends them on its own (inbox messages, SMS) is in that language.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN' CHECK (lang IN ('zh-CN', 'en'));

-- How many households of a list wait in a priority group is the last group position of
-- the group (queue_store_by_owner): one index step, not a count of the list.
CREATE INDEX queue_entries_group_last ON queue_entries (city_id, kind, state, group_code,
	group_position);
