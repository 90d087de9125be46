#!/bin/sh
# Runs once, when the PostGIS container initialises its data volume: the login role the app uses.
# It owns nothing; `gridwatch db grant-app-role gridwatch_app` (the migrate service) grants it what it needs,
# which is everything but changing or deleting the audit log.
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$GRIDWATCH_APP_DB_PASSWORD" \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE gridwatch_app LOGIN PASSWORD :'app_password';
SQL
