-- Supplementary estimates (dự toán bổ sung): once an office's estimate of
-- the year is approved it may prepare more, each decided like the first.
-- Only the ordinary estimate stays one per office and year.
ALTER TABLE estimates ADD COLUMN supplementary BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE estimates DROP CONSTRAINT estimates_office_id_year_key;
CREATE UNIQUE INDEX estimates_ordinary ON estimates (office_id, year) WHERE NOT supplementary;
CREATE INDEX estimates_office_year ON estimates (office_id, year);
