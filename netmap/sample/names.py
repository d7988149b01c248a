"""Word lists for the sample trust: school names, staff names, subjects and the groups a trust runs."""

from __future__ import annotations

SCHOOL_WORDS = (
    "Oakfield", "Elm Park", "Ashgrove", "Willow Bank", "Meadowside", "Riverside", "Hillcrest", "Brookfield",
    "Fairview", "Kingsmead", "Larkrise", "Moorland", "Northgate", "Orchard", "Parkside", "Queensway",
    "Redbrook", "St Aidan's", "Thornbury", "Upton", "Valley", "Westfield", "Yewtree", "Beechwood", "Castleford",
    "Daisyfield", "Eastbrook", "Foxhill", "Greenacre", "Hawthorn", "Ivy Lane", "Juniper", "Kestrel",
    "Linden", "Millbrook", "Newlands", "Old Hall", "Pinewood", "Rosehill", "Stonebridge",
)
PHASE_SUFFIX = {
    "primary": "Primary Academy", "secondary": "Academy", "all-through": "All-Through School",
    "special": "Special School", "alternative-provision": "Learning Centre", "nursery": "Nursery School",
    "post-16": "Sixth Form College", "central": "Central Team",
}
REGIONS = ("North", "South", "East", "West", "Midlands", "Coast")

FIRST_NAMES = (
    "Aisha", "Alex", "Amelia", "Amir", "Ben", "Bethany", "Callum", "Chloe", "Daniel", "Deepa", "Eleanor", "Ella",
    "Emeka", "Emma", "Fatima", "Finn", "Freya", "George", "Grace", "Hannah", "Harry", "Isla", "Jack", "James",
    "Jasmine", "Joe", "Kate", "Kwame", "Laura", "Leah", "Liam", "Lucy", "Maya", "Megan", "Mohammed", "Nadia",
    "Niamh", "Noah", "Olivia", "Omar", "Priya", "Rachel", "Rhys", "Ruth", "Sam", "Sarah", "Sean", "Sophie",
    "Tom", "Wei", "Yusuf", "Zara", "Zoe", "Hamza", "Imogen", "Kieran", "Lily", "Matthew", "Nia", "Owen",
)
SURNAMES = (
    "Adams", "Ahmed", "Ali", "Bailey", "Baker", "Begum", "Bell", "Brown", "Campbell", "Chen", "Clarke",
    "Cooper", "Davies", "Edwards", "Evans", "Green", "Hall", "Harris", "Hughes", "Hussain", "Jackson",
    "James", "Johnson", "Jones", "Khan", "King", "Lewis", "Martin", "Mensah", "Morgan", "Murphy", "Nowak",
    "Okafor", "O'Brien", "Patel", "Phillips", "Price", "Roberts", "Robinson", "Shah", "Singh", "Smith",
    "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White", "Williams", "Wilson",
    "Wood", "Wright", "Young", "Kowalski", "Nguyen", "Osei", "Rahman", "Scott",
)

SECONDARY_SUBJECTS = ("maths", "english", "science", "history", "geography", "languages", "computing", "art",
                      "music", "drama", "pe", "re", "design-technology", "business")
SECONDARY_SUBJECT_WEIGHTS = (14, 14, 16, 6, 6, 7, 4, 4, 3, 3, 6, 4, 4, 3)
PRIMARY_LEAD_SUBJECTS = ("maths", "english", "science", "early-years")

# Groups every trust (hub) runs: (code, name, kind, subject, phase). The subject is also the speciality that
# makes a member of staff eligible to join, except where the generator says otherwise.
GROUPS = (
    ("MATHS", "Secondary maths community", "subject-community", "maths", "secondary"),
    ("ENGLISH", "Secondary English community", "subject-community", "english", "secondary"),
    ("SCIENCE", "Secondary science community", "subject-community", "science", "secondary"),
    ("HISTORY", "History community", "subject-community", "history", "secondary"),
    ("GEOGRAPHY", "Geography community", "subject-community", "geography", "secondary"),
    ("LANGUAGES", "Modern languages community", "subject-community", "languages", "secondary"),
    ("COMPUTING", "Computing community", "subject-community", "computing", "secondary"),
    ("ARTS", "Creative arts community", "subject-community", "art", "secondary"),
    ("PE", "PE and sport community", "subject-community", "pe", "secondary"),
    ("RE", "RE community", "subject-community", "re", "secondary"),
    ("DT", "Design and technology community", "subject-community", "design-technology", "secondary"),
    ("PRIMARY-MATHS", "Primary maths community", "subject-community", "maths", "primary"),
    ("EARLY-READING", "Early reading community", "subject-community", "english", "primary"),
    ("PRIMARY-SCIENCE", "Primary science community", "subject-community", "science", "primary"),
    ("HEADS", "Headteachers' network", "expert-network", None, None),
    ("SEND", "SENCO and SEND network", "expert-network", "send", None),
    ("SAFEGUARDING", "Designated safeguarding leads", "expert-network", "safeguarding", None),
    ("EARLY-YEARS", "Early years network", "expert-network", "early-years", None),
    ("CURRICULUM", "Curriculum and assessment leads", "expert-network", "curriculum", None),
    ("ECT-MENTORS", "Early career teacher mentors", "expert-network", None, None),
    ("PASTORAL", "Pastoral and behaviour leads", "expert-network", "pastoral", None),
    ("DIGITAL", "Digital and IT network", "expert-network", "it", None),
    ("DATA", "Data leads network", "expert-network", "data", None),
    ("ATTENDANCE", "Attendance leads network", "expert-network", "attendance", None),
    ("BUSINESS", "School business managers", "expert-network", "finance", None),
)
# One support role per school, each network only for them and never fed by other ties: they stay dormant.
DORMANT_GROUPS = ("DATA", "ATTENDANCE", "BUSINESS")
