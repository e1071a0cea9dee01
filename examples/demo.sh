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
step "ISF läser in veckans inkorg i huvudregistret, med Avestas kuvertlista (en trasig fil och en konflikt: slutkod 1)" \
  merge examples/inkorg --allocation examples/kuvert-Avesta.xlsx "${isf[@]}" || echo "(slutkod $? – se Problem i huvudregistret)"
echo "(kvittenserna till förbunden: $out/kvitton/)"
step "… och samma inkorg en gång till: inget läses in två gånger" merge examples/inkorg "${isf[@]}" \
  || echo "(slutkod $?: den trasiga filen provas inte igen utan --retry)"
step "Läget per förbund och kontrollen av ändringsloggen" status --register "$out/huvudregister.xlsx" \
  --password-file "$out/losenord.txt" --today 2020-11-02
# The follow-up (docs/uppfoljning.md): envelopes, reminders and surveys at ISF, purge at the förbund.
pw=(--password-file "$out/losenord.txt")
step "ISF gör kuvertlistan för ett nytt förbund (block om 5 och 10 kuvert, 60 % Behandlingsgrupp)" envelopes \
  --forbund "Exempelförbundet" --count 200 -o "$out/kuvert.xlsx" "${pw[@]}"
step "… och fortsätter samma lista när kuverten tar slut (inget nummer används två gånger)" envelopes \
  --continue "$out/kuvert.xlsx" --count 50 "${pw[@]}"
step "Påminnelser till förbunden: kontrollgruppen som ska kallas om en månad (mars–april 2021)" reminders \
  --register "$out/huvudregister.xlsx" --from 2021-03-01 --weeks 8 -o "$out/paminnelser" "${pw[@]}"
step "Startenkäterna hösten 2020 per kanal, med loggen över vad som skickats" surveys \
  --register "$out/huvudregister.xlsx" --from 2020-09-21 --date 2020-10-31 -o "$out/enkater" \
  --sent "$out/skickat.xlsx" --mark-sent "${pw[@]}"
step "… och en vecka senare: det som redan skickats kommer inte igen" surveys \
  --register "$out/huvudregister.xlsx" --date 2020-11-07 --sent "$out/skickat.xlsx" "${pw[@]}"
# The förbund's own copy of the file it sent; ISF's receipt for it is in kvitton/.
cp "examples/inkorg/Avesta/registrering-2020-v41.xlsx" "$out/avesta-registrering.xlsx"
receipt=$(grep -l "^Fil: Avesta/registrering-2020-v41.xlsx$" "$out"/kvitton/*.txt)
step "Avesta tömmer det som ISF har kvitterat (löpnumren står kvar)" purge "$out/avesta-registrering.xlsx" \
  --receipt "$receipt" "${pw[@]}"
mkdir -p "$out/inkorg-tömd/Avesta" && cp "$out/avesta-registrering.xlsx" "$out/inkorg-tömd/Avesta/"
step "ISF läser in den tömda filen: ingenting raderas i huvudregistret" merge "$out/inkorg-tömd" "${isf[@]}"
step "Teamens utfall 2020 enligt Södra Dalarnas policy (ORS-tabellen under)" outcomes 2020 \
  --register examples/deltagarregister.xlsx
step "Rapportarbetsboken med diagram till halvårsrapporten" outcomes 2020H2 \
  --register examples/deltagarregister.xlsx -o "$out/rapport-2020H2.xlsx"
step "Teamets ORS-lista: vilka behöver en ORS-mätning nu" ors --due --date 2020-11-15 \
  --register examples/deltagarregister.xlsx

printf '\nFilerna i %s:\n' "$out"
ls -l "$out"
