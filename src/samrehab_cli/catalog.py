"""Every rule code with its severity, title and Swedish message: the registration workbook's (S, V, K) and the
participant register's (D).

This is the one place a code is defined; ``samrehab rules`` and ``docs/regler.md`` are made from this table. A message
says what is wrong and how to fix it; ``{fields}`` are filled where the finding is made.
"""

from __future__ import annotations

from samrehab_cli.errors import listed
from samrehab_cli.findings import Rule
from samrehab_cli.schema import GENDERS, LANGUAGES

_LANGUAGES = ", ".join(LANGUAGES)
_GENDERS = listed(GENDERS)

RULES: tuple[Rule, ...] = (
    # --- structure ---------------------------------------------------------------------------------------------
    Rule("S101", "fel", "Filen kan inte läsas som arbetsbok",
         "Filen kontrollerades inte. {detail}"),
    Rule("S102", "fel", "Krypterad fil utan rätt lösenord",
         "Filen kontrollerades inte. {detail}"),
    Rule("S103", "varning", "Filen är inte krypterad",
         "Filen är inte krypterad. Kryptera den med ISF:s senaste lösenord innan den mailas: "
         "samrehab encrypt {path!q} --in-place (eller Arkiv → Skydda arbetsbok → Kryptera med lösenord i Excel)."),
    Rule("S104", "varning", "Krypteringens kontrollkod stämmer inte",
         "Filen gick att dekryptera, men krypteringens kontrollkod (HMAC) stämmer inte med innehållet: filen kan ha "
         "ändrats eller skadats efter att den krypterades. Kontrollera uppgifterna, eller be avsändaren om en ny fil."),
    Rule("S110", "fel", "Ingen veckoflik",
         "Arbetsboken har ingen veckoflik{which}. Veckoflikarna heter ÅÅÅÅ-vVV, till exempel 2020-v39; "
         "lägg till dem med samrehab weeks FIL --to VECKA."),
    Rule("S111", "varning", "Okänd flik (kontrolleras inte)",
         "Fliken {name} är varken Instruktioner eller en veckoflik ÅÅÅÅ-vVV och kontrolleras inte. "
         "Byt namn på den (till exempel 2020-v39) om den hör till en vecka, annars kan den tas bort."),
    Rule("S112", "fel", "Obligatorisk kolumn saknas",
         "Kolumnen {header} saknas i fliken. Lägg tillbaka rubriken {header} på rad 1 (kopiera den från mallen)."),
    Rule("S113", "varning", "Okänd kolumn (läses inte)",
         "Rubriken {header} finns inte i mallen, så kolumnen läses inte. Rätta stavningen om den är en av mallens "
         "kolumner, annars kan den tas bort."),
    Rule("S114", "fel", "Samma rubrik två gånger",
         "Rubriken {header} finns redan i kolumn {first}; bara den kolumnen läses. Ta bort den här kolumnen eller "
         "flytta uppgifterna till kolumn {first}."),
    # --- values, every row -------------------------------------------------------------------------------------
    Rule("V201", "fel", "Datum informationsmöte saknas",
         "Datum informationsmöte saknas. Skriv datumet för mötet som ÅÅÅÅ-MM-DD."),
    Rule("V202", "fel", "Inget datum i en datumkolumn",
         "{header} är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2020-09-21."),
    Rule("V203", "varning", "Mötesdatum utanför flikens vecka",
         "Datum informationsmöte ligger inte i vecka {week} ({monday}–{sunday}). Kontrollera datumet, eller flytta "
         "raden till fliken för mötets vecka."),
    Rule("V204", "fel", "Datum i framtiden",
         "{header} ligger i framtiden (efter {today}). Kontrollera datumet."),
    Rule("V205", "fel", "Samtycke saknas eller är fel",
         "Samtycke ska vara Ja eller Nej. Välj Ja eller Nej i listan."),
    Rule("V206", "fel", "Samtycke före informationsmötet",
         "Datum samtycke ligger före Datum informationsmöte. Kontrollera båda datumen."),
    # --- values, Samtycke = Nej --------------------------------------------------------------------------------
    Rule("V210", "fel", "Födelsedatum saknas (Nej)",
         "Födelsedatum saknas. Vid Nej ska födelsedatum (ÅÅÅÅ-MM-DD) fyllas i."),
    Rule("V211", "fel", "Kön saknas eller är fel (Nej)",
         f"Kön saknas eller är inget tillåtet värde. Vid Nej ska kön fyllas i: välj {_GENDERS} i listan."),
    Rule("V212", "fel", "Identifierande uppgift vid Nej",
         "Kolumnen {header} är ifylld fast personen inte samtycker. Vid Nej får bara födelsedatum och kön sparas: "
         "ta bort uppgiften."),
    Rule("V213", "fel", "Grupp ifylld vid Nej",
         "Kolumnen {header} är ifylld fast personen inte samtycker. Bara den som samtycker lottas: töm cellen."),
    Rule("V214", "varning", "Ovanlig ålder",
         "Personen var {age} år vid informationsmötet (målgruppen är 16–70 år). Kontrollera födelsedatumet."),
    # --- values, Samtycke = Ja ---------------------------------------------------------------------------------
    Rule("V220", "fel", "Kuvertnummer saknas eller är fel",
         "Kuvertnummer saknas eller är inget positivt heltal. Skriv numret på kuvertet, till exempel 17."),
    Rule("V221", "fel", "Personnummer saknas",
         "Personnummer saknas. Vid Ja ska personnumret skrivas med 12 siffror, ÅÅÅÅMMDDNNNN."),
    Rule("V222", "fel", "Personnummer har fel längd",
         "Personnumret har inte 10 eller 12 siffror. Skriv det med 12 siffror, ÅÅÅÅMMDDNNNN."),
    Rule("V223", "varning", "Personnummer med 10 siffror",
         "Personnumret är skrivet med 10 siffror. Skriv alla 12, med århundradet först (19 eller 20): "
         "ÅÅÅÅMMDDNNNN."),
    Rule("V224", "fel", "Personnummer: fel kontrollsiffra",
         "Kontrollsiffran i personnumret stämmer inte. Jämför siffra för siffra med personens legitimation."),
    Rule("V225", "fel", "Personnummer: fel datum eller födelsenummer",
         "Personnumret är ogiltigt: {reason}. Jämför siffra för siffra med personens legitimation."),
    Rule("V226", "info", "Samordningsnummer (också med delvis okänt födelsedatum)",
         "Numret är ett samordningsnummer (dag + 60){unknown}. Det godtas."),
    Rule("V227", "fel", "Namn saknas", "Namn saknas. Skriv personens för- och efternamn."),
    Rule("V228", "fel", "Språk saknas (fel) eller finns inte i listan (varning)",
         f"{{problem}} Välj ett av: {_LANGUAGES}.", other_severity="varning"),
    Rule("V229", "fel", "Ogiltig e-postadress",
         "E-postadressen är ogiltig. Den ska se ut som namn@exempel.se: rätta den, eller töm cellen om personen "
         "saknar e-post."),
    Rule("V230", "fel", "Ogiltigt mobilnummer",
         "Mobilnumret är inget giltigt mobilnummer. Skriv ett svenskt mobilnummer (070-123 45 67) eller ett utländskt "
         "med + och landsnummer (+358 40 123 4567)."),
    Rule("V231", "fel", "Personen kan inte nås",
         "Varken e-post eller mobilnummer är ifyllt och ingen pappersenkät är markerad, så ISF kan inte nå "
         "personen. Fyll i e-post eller mobilnummer, eller Ja i Pappersenkät start."),
    Rule("V232", "varning", "E-postadressens domän ser felskriven ut (som hotmail.con eller gmial.com)",
         "E-postadressens domän {domain} ser ut som ett skrivfel för {meant}. Kontrollera adressen med personen och "
         "rätta den om den är fel; samrehab ändrar den inte."),
    Rule("V240", "fel", "Inte exakt en grupp",
         "Exakt en av Behandlingsgrupp och Kontrollgrupp ska vara Ja ({seen}). Skriv Ja i gruppen enligt kuvertet "
         "och Nej (eller inget) i den andra."),
    Rule("V241", "fel", "Grupp är inte Ja/Nej",
         "{header} ska vara Ja eller Nej. Välj Ja eller Nej i listan."),
    Rule("V242", "fel", "Pappersenkät är inte Ja",
         "{header} ska vara Ja eller tom. Skriv Ja om enkäten ska besvaras på papper, annars töm cellen."),
    Rule("V243", "varning", "Stämmer inte med personnumret",
         "{header} stämmer inte med personnumret (födelsedatumet är dess första åtta siffror, med dag − 60 i ett "
         "samordningsnummer, och näst sista siffran är udda för män och jämn för kvinnor). Kontrollera båda; "
         "vid Ja behövs {header} inte, så cellen kan tömmas."),
    # --- between rows ------------------------------------------------------------------------------------------
    Rule("K301", "fel", "Samma personnummer två gånger",
         "Personnumret finns redan på {first}. En person registreras en gång: ta bort dubbletten."),
    Rule("K302", "fel", "Samma kuvertnummer två gånger",
         "Kuvertnumret finns redan på {first}. Varje kuvert används en gång: kontrollera numret."),
    Rule("K303", "fel", "Samma löpnummer två gånger",
         "Löpnumret finns redan på {first}. Löpnummer är unika och skrivs aldrig om: ta tillbaka mallens löpnummer."),
    Rule("K304", "varning", "Rad utan löpnummer",
         "Raden har uppgifter men inget löpnummer. Flytta uppgifterna till en rad med löpnummer, eller skriv "
         "tillbaka mallens löpnummer."),
    # --- merge at ISF, across files -----------------------------------------------------------------------------
    Rule("K320", "fel", "Samma personnummer under två löpnummer (samrehab merge, även mellan förbund)",
         "Samma personnummer som {first}. En person registreras en gång: ta reda på vilken rad som är rätt och be "
         "förbundet rätta den andra."),
    Rule("K330", "fel", "Gruppen stämmer inte med kuvertlistan (samrehab merge --allocation)",
         "{problem} Ta reda på vilket kuvert personen fick och vilken grupp som gäller, och rätta registret eller "
         "be förbundet rätta kuvertnumret."),
    # --- the participant register (D401–D410) and its ORS/SRS measurements (D420–D424) -------------------------
    Rule("D401", "fel", "Deltagar-ID saknas eller finns på flera rader",
         "Deltagar-ID {problem}. Ge varje deltagare ett eget id och låt det stå på en enda rad."),
    Rule("D402", "fel", "Inskrivningsdatum saknas eller är inget datum (gäller även ett oläsbart Avslutsdatum)",
         "{header} {problem}. Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2020-03-16."),
    Rule("D403", "fel", "Avslutsdatum före Inskrivningsdatum",
         "Avslutsdatum {end} är före Inskrivningsdatum {start}. Rätta det datum som är fel."),
    Rule("D404", "fel", "Avslutsdatum utan Avslutsorsak, eller Avslutsorsak utan Avslutsdatum",
         "{problem}. Fyll i både Avslutsdatum och Avslutsorsak när deltagaren avslutas, annars ingetdera."),
    Rule("D405", "fel", "Avslutsorsak, Arbetsmarknadsstöd eller Kön har ett otillåtet värde (eller Kön saknas)",
         "{header} {problem}. Välj ett av: {allowed}."),
    Rule("D406", "varning", "Arbetsmarknadsstöd saknas vid Arbete, eller är ifyllt vid en annan avslutsorsak",
         "{problem}"),
    Rule("D407", "fel", "Team saknas",
         "Team saknas. Skriv vilket team deltagaren tillhör, till exempel Avesta, Hedemora eller Säter."),
    Rule("D408", "fel", "År utan arbete eller studier är negativt, över 60 eller inget tal (fel), eller saknas "
         "(varning)",
         "År utan arbete eller studier {problem}. Skriv antalet år före inskrivningen som ett tal mellan 0 och 60, "
         "till exempel 5,5.", other_severity="varning"),
    Rule("D409", "varning", "Avslutsorsak Annat utan Kommentar",
         "Avslutsorsaken är Annat men Kommentar är tom. Skriv vad som ligger bakom; det redovisas i rapporten."),
    Rule("D410", "fel", "Ett datum i framtiden",
         "{header} {day} ligger i framtiden. Rätta datumet."),
    # ORS and SRS measurements: a row with any of these is left out of every ORS figure
    Rule("D420", "fel", "ORS eller SRS är inget tal mellan 0 och 40 med högst en decimal (eller båda saknas)",
         "{header} {problem}. Skriv poängen som ett tal mellan 0 och 40 med högst en decimal, till exempel 23,4."),
    Rule("D421", "fel", "Deltagar-ID saknas eller finns inte i deltagarregistret",
         "Deltagar-ID {problem}. Skriv id:t precis som i deltagarregistret."),
    Rule("D422", "varning", "Mätningen är gjord utanför deltagarens inskrivning",
         "Mätningen {day} ligger utanför deltagarens inskrivning ({enrolment}) och räknas inte. Kontrollera "
         "datumet och deltagarens Inskrivningsdatum och Avslutsdatum."),
    Rule("D423", "fel", "Datum saknas, är inget datum eller ligger i framtiden",
         "Datum {problem}. Skriv mätningens datum som ÅÅÅÅ-MM-DD, till exempel 2021-03-15."),
    Rule("D424", "fel", "Samma deltagare två gånger samma datum",
         "Deltagaren {participant} har flera mätningar {day}. Ta bort dubbletten eller rätta datumet."),
)

RULE: dict[str, Rule] = {rule.code: rule for rule in RULES}
