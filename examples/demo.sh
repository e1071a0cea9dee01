#!/usr/bin/env bash
# make demo: the weekly flow on the shipped examples (fictitious people only), in out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
samrehab() { .venv/bin/samrehab "$@"; }
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s== %s ==%s\n$ samrehab %s\n' "$bold" "$1" "$plain" "${*:2}"; samrehab "${@:2}"; }

out=out/demo
rm -rf "$out" && mkdir -p "$out"
# The demo's password comes from the environment (never the command line). Real passwords come from ISF.
export SAMREHAB_PASSWORD="demo-Lösenord-2020"

step "ISF gör en krypterad registreringsfil" template -o "$out/registrering.xlsx" \
  --forbund "Exempelförbundet" --from 2020-v39 --to 2020-v52
step "ISF lägger till fler veckor (lösenord och innehåll behålls)" weeks "$out/registrering.xlsx" --to 2021-v05
step "Koordinatorn kontrollerar veckans fil (exemplet har tre avsiktliga fel: slutkod 1)" validate \
  examples/registrering-exempel.xlsx || echo "(slutkod $? – felen ska rättas innan filen skickas)"
step "… och får en krypterad kopia där felen är markerade i cellerna" validate examples/registrering-exempel.xlsx \
  --mark -o "$out/granskad.xlsx" > /dev/null || true
echo "(den granskade kopian: $out/granskad.xlsx)"
step "Koordinatorn krypterar veckans ifyllda fil" encrypt examples/registrering-exempel.xlsx \
  -o "$out/registrering-exempel-krypterad.xlsx"
step "En okrypterad kopia (bara när det verkligen behövs)" decrypt "$out/registrering-exempel-krypterad.xlsx" \
  -o "$out/klartext.xlsx"
rm -f "$out/klartext.xlsx"
echo "(klartextkopian är raderad)"
# ISF's inbox holds files encrypted with two passwords (autumn's and winter's): a password file, newest first,
# readable only by its owner (samrehab refuses one that others can read).
( umask 077; printf '%s\n' "demo-Lösenord-2021" "demo-Lösenord-2020" > "$out/losenord.txt" )
isf=(--register "$out/huvudregister.xlsx" --receipts "$out/kvitton" --password-file "$out/losenord.txt")
step "ISF läser in veckans inkorg i huvudregistret (en trasig fil och en konflikt: slutkod 1)" merge \
  examples/inkorg "${isf[@]}" || echo "(slutkod $? – se Problem i huvudregistret)"
echo "(kvittenserna till förbunden: $out/kvitton/)"
step "… och samma inkorg en gång till: inget läses in två gånger" merge examples/inkorg "${isf[@]}" \
  || echo "(slutkod $?: den trasiga filen provas inte igen utan --retry)"
step "Läget per förbund och kontrollen av ändringsloggen" status --register "$out/huvudregister.xlsx" \
  --password-file "$out/losenord.txt" --today 2020-11-02
step "Teamens utfall 2020 enligt Södra Dalarnas policy (ORS-tabellen under)" outcomes 2020 \
  --register examples/deltagarregister.xlsx
step "Rapportarbetsboken med diagram till halvårsrapporten" outcomes 2020H2 \
  --register examples/deltagarregister.xlsx -o "$out/rapport-2020H2.xlsx"
step "Teamets ORS-lista: vilka behöver en ORS-mätning nu" ors --due --date 2020-11-15 \
  --register examples/deltagarregister.xlsx

printf '\nFilerna i %s:\n' "$out"
ls -l "$out"
