#!/usr/bin/env bash
# Build Mosquitto's passwd file for a town: one random password per device, team phone and the ingest.
#
# usage: make-passwd.sh [--force] TOWN_DIR OUT_DIR
#
# Reads TOWN_DIR/sensors.csv and TOWN_DIR/teams.csv (a header row, the id in the first column) and writes:
#   OUT_DIR/passwd           hashed by mosquitto_passwd -U; copy it to deploy/mosquitto/passwd
#   OUT_DIR/credentials.csv  id,password in clear text, for the installers; keep it off the broker host
#   OUT_DIR/ingest-password    the password of gridwatch-ingest, for GRIDWATCH_MQTT_URL
#   OUT_DIR/ingest-2-password  the password of gridwatch-ingest-2, the second ingest worker
# It refuses to overwrite them without --force: new passwords lock out every device already installed.
# To change one device's password later, see "Rotating a password" in docs/security-mqtt.md.
set -euo pipefail
# Bytes, not characters: a byte-order mark is stripped and ids are checked byte by byte.
export LC_ALL=C

INGEST_USER=gridwatch-ingest
# The second ingest worker on the shared subscription: its own login, because the username is the session.
INGEST_USER_2=gridwatch-ingest-2
# Topic ids (docs/mqtt.md) without ':', which would end the username in Mosquitto's passwd file.
ID_RE='^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'

die() { echo "make-passwd.sh: $*" >&2; exit 1; }

force=false
if [[ ${1:-} == --force ]]; then force=true; shift; fi
[[ $# -eq 2 ]] || die "usage: make-passwd.sh [--force] TOWN_DIR OUT_DIR"
town=$1
out=$2

command -v mosquitto_passwd >/dev/null \
  || die "mosquitto_passwd not found; install mosquitto, or run this script inside the eclipse-mosquitto:2 image"

random_password() {
  # 128 random bits in hex: nothing for a CSV, a shell or a device's config screen to misread.
  if command -v openssl >/dev/null; then
    openssl rand -hex 16
  else
    od -An -tx1 -N16 /dev/urandom | tr -d ' \n'
    echo
  fi
}

ids=()
wheres=()

read_ids() {
  local file=$1 line_no=0 line id
  [[ -f $file ]] || die "$file: no such file"
  while IFS= read -r line || [[ -n $line ]]; do
    line_no=$((line_no + 1))
    line=${line%$'\r'}
    if [[ $line_no -eq 1 ]]; then
      line=${line#$'\xef\xbb\xbf'}
      id=${line%%,*}
      id=${id//\"/}
      [[ $id == id ]] || die "$file line 1: the first column must be 'id', got '$id'"
      continue
    fi
    [[ -n ${line//[[:space:]]/} ]] || continue
    id=${line%%,*}
    id=${id#\"}
    id=${id%\"}
    [[ $id =~ $ID_RE ]] \
      || die "$file line $line_no: id '$id' cannot be an MQTT username; use 1-64 of A-Z a-z 0-9 _ . - (no ':')"
    [[ $id != "$INGEST_USER" && $id != "$INGEST_USER_2" ]] || die "$file line $line_no: id '$id' is reserved for the ingest"
    ids+=("$id")
    wheres+=("$(basename "$file") line $line_no")
  done <"$file"
}

read_ids "$town/sensors.csv"
read_ids "$town/teams.csv"
[[ ${#ids[@]} -gt 0 ]] || die "$town: sensors.csv and teams.csv list no ids"

# One passwd file holds devices and teams alike, so an id may appear only once across both files.
duplicate=$(printf '%s\n' "${ids[@]}" | sort | uniq -d | head -n 1)
if [[ -n $duplicate ]]; then
  places=""
  for i in "${!ids[@]}"; do
    [[ ${ids[$i]} != "$duplicate" ]] || places="$places${places:+, }${wheres[$i]}"
  done
  die "id '$duplicate' is used more than once ($places); device and team ids share one login namespace"
fi

# Clear-text passwords follow: nobody else may read the folder or the files.
umask 077
mkdir -p "$out"
for name in passwd credentials.csv ingest-password ingest-2-password; do
  [[ ! -e $out/$name ]] || $force || die "$out/$name exists; pass --force to replace every password"
done

plain=$(mktemp "$out/passwd.XXXXXX")
trap 'rm -f "$plain" "$out/credentials.csv.tmp"' EXIT

{
  echo "id,password"
  for id in "${ids[@]}"; do
    password=$(random_password)
    echo "$id:$password" >>"$plain"
    echo "$id,$password"
  done
} >"$out/credentials.csv.tmp"

ingest_password=$(random_password)
echo "$INGEST_USER:$ingest_password" >>"$plain"
ingest_password_2=$(random_password)
echo "$INGEST_USER_2:$ingest_password_2" >>"$plain"

# -U replaces each clear-text password in the file with its salted hash.
mosquitto_passwd -U "$plain"
mv "$plain" "$out/passwd"
mv "$out/credentials.csv.tmp" "$out/credentials.csv"
echo "$ingest_password" >"$out/ingest-password"
echo "$ingest_password_2" >"$out/ingest-2-password"

echo "wrote $out/passwd (${#ids[@]} devices and teams, plus $INGEST_USER and $INGEST_USER_2), $out/credentials.csv, $out/ingest-password, $out/ingest-2-password"
