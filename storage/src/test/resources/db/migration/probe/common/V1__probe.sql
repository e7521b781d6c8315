CREATE TABLE probe (id ${int64_pk}, label TEXT NOT NULL, bytes ${blob});
