"""A realistic, deterministic stand-in for the DfE's GIAS establishment fields download: the published column list,
a few hundred schools across several trusts and local authorities (open, closed, proposed to open and proposed to
close), names in Windows-1252 with curly apostrophes and accents, some without grid references; written as GIAS
writes it (Windows-1252, every field quoted) or zipped as it downloads."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from pathlib import Path

__all__ = ["COLUMNS", "OAK", "SEED", "TRUSTS", "gias_bytes", "gias_rows", "write_gias"]

SEED = 20261207
# GIAS's establishment fields, in the order of its download (edubasealldata*.csv).
COLUMNS = (
    "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (code),"
    "TypeOfEstablishment (name),EstablishmentTypeGroup (code),EstablishmentTypeGroup (name),EstablishmentStatus (code),"
    "EstablishmentStatus (name),ReasonEstablishmentOpened (code),ReasonEstablishmentOpened (name),OpenDate,"
    "ReasonEstablishmentClosed (code),ReasonEstablishmentClosed (name),CloseDate,PhaseOfEducation (code),"
    "PhaseOfEducation (name),StatutoryLowAge,StatutoryHighAge,Boarders (code),Boarders (name),"
    "NurseryProvision (name),OfficialSixthForm (code),OfficialSixthForm (name),Gender (code),Gender (name),"
    "ReligiousCharacter (code),ReligiousCharacter (name),ReligiousEthos (name),Diocese (code),Diocese (name),"
    "AdmissionsPolicy (code),AdmissionsPolicy (name),SchoolCapacity,SpecialClasses (code),SpecialClasses (name),"
    "CensusDate,NumberOfPupils,NumberOfBoys,NumberOfGirls,PercentageFSM,TrustSchoolFlag (code),"
    "TrustSchoolFlag (name),Trusts (code),Trusts (name),SchoolSponsorFlag (name),SchoolSponsors (name),"
    "FederationFlag (name),Federations (code),Federations (name),UKPRN,FEHEIdentifier,FurtherEducationType (name),"
    "OfstedLastInsp,OfstedSpecialMeasures (code),OfstedSpecialMeasures (name),LastChangedDate,Street,Locality,"
    "Address3,Town,County (name),Postcode,SchoolWebsite,TelephoneNum,HeadTitle (name),HeadFirstName,HeadLastName,"
    "HeadPreferredJobTitle,BSOInspectorateName (name),InspectorateReport,DateOfLastInspectionVisit,"
    "NextInspectionVisit,TeenMoth (name),TeenMothPlaces,CCF (name),SENPRU (name),EBD (name),PlacesPRU,FTProv (name),"
    "EdByOther (name),Section41Approved (name),SEN1 (name),SEN2 (name),SEN3 (name),SEN4 (name),SEN5 (name),"
    "SEN6 (name),SEN7 (name),SEN8 (name),SEN9 (name),SEN10 (name),SEN11 (name),SEN12 (name),SEN13 (name),"
    "TypeOfResourcedProvision (name),ResourcedProvisionOnRoll,ResourcedProvisionCapacity,SenUnitOnRoll,"
    "SenUnitCapacity,GOR (code),GOR (name),DistrictAdministrative (code),DistrictAdministrative (name),"
    "AdministrativeWard (code),AdministrativeWard (name),ParliamentaryConstituency (code),"
    "ParliamentaryConstituency (name),UrbanRural (code),UrbanRural (name),GSSLACode (name),Easting,Northing,"
    "CensusAreaStatisticWard (name),MSOA (name),LSOA (name),InspectorateName (name),SENStat,SENNoStat,"
    "BoardingEstablishment (name),PropsName,PreviousLA (code),PreviousLA (name),PreviousEstablishmentNumber,"
    "OfstedRating (name),RSCRegion (name),Country (name),UPRN,SiteName,QABName (code),QABName (name),"
    "EstablishmentAccredited (code),EstablishmentAccredited (name),QABReport,CHNumber,MSOA (code),LSOA (code)"
).split(",")

# (local authority, region, a town centre's easting and northing in metres)
PLACES = (("Leeds", "Yorkshire and the Humber", 430_000, 433_500), ("Manchester", "North West", 384_000, 398_000),
          ("Birmingham", "West Midlands", 407_000, 287_000), ("Bristol, City of", "South West", 359_000, 173_000),
          ("Norfolk", "East of England", 623_000, 308_500), ("Newcastle upon Tyne", "North East", 425_000, 564_000),
          ("Devon", "South West", 292_000, 92_500), ("Camden", "London", 529_000, 184_000))
OAK = "16548"  # the trust most tests import
TRUSTS = {OAK: "Oakfield Learning Trust", "15012": "Brontë Schools’ Partnership", "17320": "Severn Vale Academies",
          "14877": "Northern Lights Multi-Academy Trust", "16001": "St Cuthbert’s Catholic Academy Trust"}
# (type of establishment, phase of education, statutory ages)
KINDS = (("Academy converter", "Primary", 4, 11), ("Academy sponsor led", "Primary", 3, 11),
         ("Academy converter", "Secondary", 11, 18), ("Free schools", "All-through", 4, 18),
         ("Academy special converter", "Not applicable", 2, 19),
         ("Academy alternative provision sponsor led", "Not applicable", 11, 16),
         ("Academy 16-19 converter", "16 plus", 16, 19), ("Academy converter", "Middle deemed secondary", 9, 13),
         ("Academy converter", "Nursery", 2, 5), ("Free schools 16 to 19", "Not applicable", 16, 19))
SAINTS = ("St Mary’s C of E", "St Thérèse’s Catholic", "Our Lady of Lourdes", "St John’s", "Brontë", "Holy Trinity")
WORDS = ("Oakfield", "Elm Park", "Riverside", "Highfield", "Meadowbank", "Ashcombe", "Fairfield", "Kingsway",
         "Moorside", "Castle Hill", "Willow Brook", "Beechwood", "Hollins", "Valley", "Park View", "Greenacre")
ENDINGS = {"Primary": "Primary School", "Secondary": "Academy", "All-through": "All-Through School",
           "16 plus": "Sixth Form College", "Nursery": "Nursery School", "Middle deemed secondary": "Middle School",
           "Not applicable": "School"}


def gias_rows(seed: int = SEED, schools: int = 320) -> list[dict[str, str]]:
    """`schools` rows of GIAS's download: about a quarter of them in Oakfield Learning Trust, the rest in four other
    trusts and in none (local authority schools); 1 in 12 closed, 1 in 25 proposed to open, 1 in 30 proposed to
    close, 1 in 15 without a grid reference."""
    rng = random.Random(seed)
    rows = []
    codes = list(TRUSTS)
    for k in range(schools):
        trust = OAK if k % 4 == 0 else rng.choice([*codes[1:], "", ""])
        kind, phase, low, high = KINDS[k % len(KINDS)] if k < 40 else rng.choice(KINDS[:4] * 4 + KINDS[4:])
        la, region, east, north = PLACES[k % len(PLACES)] if trust != OAK else PLACES[(k // 4) % 3]
        first = rng.choice(SAINTS) if rng.random() < 0.25 else rng.choice(WORDS)
        name = f"{first} {ENDINGS[phase] if 'special' not in kind.lower() else 'Special School'}"
        status = ("Closed" if k % 12 == 5 or k % 48 == 8 else "Proposed to open" if k % 25 == 7 else
                  "Open, but proposed to close" if k % 30 == 11 else "Open")
        has_place = k % 15 != 3
        row = dict.fromkeys(COLUMNS, "")
        row.update({
            "URN": str(136_000 + 7 * k), "LA (code)": str(300 + PLACES.index((la, region, east, north))),
            "LA (name)": la, "EstablishmentNumber": str(2000 + k), "EstablishmentName": name,
            "TypeOfEstablishment (name)": kind, "EstablishmentTypeGroup (name)": "Academies" if trust else
            "Local authority maintained schools", "EstablishmentStatus (name)": status,
            "OpenDate": f"01-09-{2011 + k % 12}", "CloseDate": "31-08-2024" if status == "Closed" else "",
            "PhaseOfEducation (name)": phase, "StatutoryLowAge": str(low), "StatutoryHighAge": str(high),
            "NumberOfPupils": "" if status == "Proposed to open" else str(rng.randint(60, 1600)),
            "PercentageFSM": "" if status == "Proposed to open" else f"{rng.uniform(3, 55):.1f}",
            "Trusts (code)": trust, "Trusts (name)": TRUSTS.get(trust, ""),
            "TrustSchoolFlag (name)": "Supported by a multi-academy trust" if trust else "Not applicable",
            "Town": la.split(",")[0], "Postcode": f"{la[:2].upper()}{1 + k % 9} {k % 10}{'ABDEFGHJ'[k % 8]}X",
            "GOR (name)": region, "Country (name)": "", "UKPRN": str(10_030_000 + k),
            "Easting": str(east + rng.randint(-12_000, 12_000)) if has_place else "",
            "Northing": str(north + rng.randint(-12_000, 12_000)) if has_place else "",
            "HeadFirstName": rng.choice(("Aoife", "Zoë", "Siân", "Chloé", "Ben", "Priya")),
            "HeadLastName": rng.choice(("O’Brien", "Nuñez", "Smith", "Khan", "Brontë")),
        })
        rows.append(row)
    return rows


def gias_bytes(rows: list[dict[str, str]], columns: list[str] | None = None, encoding: str = "cp1252") -> bytes:
    """The rows as GIAS writes its CSV: every field quoted, CRLF line ends, Windows-1252."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, quoting=csv.QUOTE_ALL, lineterminator="\r\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def write_gias(folder: Path, rows: list[dict[str, str]] | None = None, zipped: bool = False) -> Path:
    """GIAS's download in `folder`: edubasealldata20261207.csv, or zipped as extract.zip."""
    data = gias_bytes(gias_rows() if rows is None else rows)
    name = "edubasealldata20261207.csv"
    if not zipped:
        (folder / name).write_bytes(data)
        return folder / name
    path = folder / "extract.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return path
