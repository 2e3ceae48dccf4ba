-- 055 the account's language: what the app the person last used was set to ("zh-CN" or
-- "en"), so what gzf sends them on its own (inbox messages, SMS) is in that language.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN' CHECK (lang IN ('zh-CN', 'en'));
