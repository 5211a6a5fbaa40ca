-- Whether a person has written or changed an entry's description since it was recorded.
-- A captured session's description is what capture made of it (file paths, URLs): an
-- invoice line of one entry prints it only once a person has edited it. Captured entries
-- recorded before this column count as unedited, so no path reaches a client by default.
ALTER TABLE time_entry ADD COLUMN description_edited BOOLEAN NOT NULL DEFAULT FALSE;
