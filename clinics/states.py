"""US states, the District of Columbia and the inhabited territories, by USPS code.

Kept here rather than taken from django-localflavor, whose lists either leave out the territories
or add military mail codes (AA, AE, AP), whose name lookup answers six codes with no place to name
(so "Moline, AE" would have no state to show) and lacks "Washington DC", and whose names are lazy
translations: adopting it would keep this selection and add two dependencies.
"""

US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
}

STATE_CHOICES: list[tuple[str, str]] = sorted(US_STATES.items(), key=lambda item: item[1])

# "iowa" -> "IA", "ia" -> "IA": what a visitor may type after a city name.
STATE_LOOKUP: dict[str, str] = {
    **{code.lower(): code for code in US_STATES},
    **{name.lower(): code for code, name in US_STATES.items()},
    "virgin islands": "VI",
    "washington dc": "DC",
    "washington d.c.": "DC",
}
