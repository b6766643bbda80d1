-- What the digital signatures of an attached PDF came to when it was stored
-- (docs/domain.md §2.7): the verdict ('valid', 'invalid', 'unsigned'; NULL
-- for a file that is not a PDF, and for files stored before this column) and
-- its detail as JSON (the reason and each signature's signer, time, integrity
-- and trust).
ALTER TABLE attachments ADD COLUMN signature_verdict TEXT;
ALTER TABLE attachments ADD COLUMN signature_detail TEXT;
