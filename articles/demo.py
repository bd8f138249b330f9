"""
The demo paper: a regional Irish daily with its sections, staff, pictures and a
few months of articles, generated from a fixed seed so that every run builds the
same paper. `manage.py load_demo` writes it to the database.

Everything here is plain data and pure functions; the command does the saving.
"""

import html
import io
import random
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw

SEED = 1859

# name, slug, description
SECTIONS = [
    (
        "News",
        "news",
        "Councils, courts, hospitals, schools and roads: what is happening across "
        "Galway, Clare and Mayo, reported by people who live here.",
    ),
    (
        "Opinion",
        "opinion",
        "Columnists and guest writers argue about the west, the country and the "
        "world. Their views are their own.",
    ),
    (
        "Business",
        "business",
        "Jobs, companies, property and tourism in the region, and what the "
        "national economy means for local pockets.",
    ),
    (
        "Sport",
        "sport",
        "Hurling, football, rugby, soccer and racing, from club grounds to "
        "Croke Park and the Sportsground.",
    ),
    (
        "Culture",
        "culture",
        "Theatre, music, books and art: reviews, interviews and the week's best "
        "events in the west.",
    ),
    (
        "Lifestyle",
        "lifestyle",
        "Food, walks, homes, gardens and health: how to live well on the "
        "Atlantic coast.",
    ),
    (
        "Farming",
        "farming",
        "Mart reports, prices, schemes and weather for the farms of the west.",
    ),
]


@dataclass(frozen=True)
class DemoAuthor:
    name: str
    role: str
    bio: str
    desk: str

    @cached_property
    def slug(self):
        return slugify(self.name)


# Bios may mention the paper: "{paper}" becomes settings.SITE_NAME.
AUTHORS = [
    DemoAuthor(
        "Aoife Brennan",
        "News editor",
        "Aoife Brennan is news editor of {paper}. She joined the paper in 2009 "
        "from a weekly in Co Clare.",
        "news",
    ),
    DemoAuthor(
        "Ciarán Mulcahy",
        "Political correspondent",
        "Ciarán Mulcahy covers Leinster House and the region's TDs. He has "
        "reported on four general elections.",
        "news",
    ),
    DemoAuthor(
        "Niamh Gallagher",
        "Courts reporter",
        "Niamh Gallagher reports from the District and Circuit courts in Galway "
        "and Ennis.",
        "news",
    ),
    DemoAuthor(
        "Declan Fahy",
        "Local government correspondent",
        "Declan Fahy has covered Galway City and County councils since 2014.",
        "news",
    ),
    DemoAuthor(
        "Róisín Keane",
        "Health correspondent",
        "Róisín Keane writes about hospitals, GPs and public health in the west. "
        "She trained as a nurse before turning to journalism.",
        "news",
    ),
    DemoAuthor(
        "Tomás Ó Murchú",
        "Connemara correspondent",
        "Tomás Ó Murchú reports from Clifden and the Gaeltacht, in English and in "
        "Irish.",
        "news",
    ),
    DemoAuthor(
        "Sarah Whelan",
        "Education reporter",
        "Sarah Whelan covers schools, colleges and childcare across the region.",
        "news",
    ),
    DemoAuthor(
        "Patrick Moloney",
        "Environment and transport correspondent",
        "Patrick Moloney writes about roads, rail, buses, flooding and the "
        "changing climate of the west coast.",
        "news",
    ),
    DemoAuthor(
        "Gráinne Cusack",
        "Business editor",
        "Gráinne Cusack is business editor of {paper}. She previously reported "
        "on markets in Dublin and London.",
        "business",
    ),
    DemoAuthor(
        "Eoin Hartigan",
        "Business reporter",
        "Eoin Hartigan covers jobs, property and tourism in the region.",
        "business",
    ),
    DemoAuthor(
        "Conor Deasy",
        "Sports editor",
        "Conor Deasy has edited the sports pages of {paper} since 2016 and has "
        "not missed a Connacht final in twenty years.",
        "sport",
    ),
    DemoAuthor(
        "Shane Tierney",
        "GAA correspondent",
        "Shane Tierney covers hurling and football, club and county, from "
        "Pearse Stadium to Cusack Park.",
        "sport",
    ),
    DemoAuthor(
        "Laura Kenny",
        "Rugby and soccer reporter",
        "Laura Kenny reports on Connacht Rugby, League of Ireland soccer and the "
        "women's game.",
        "sport",
    ),
    DemoAuthor(
        "Orla Madden",
        "Arts editor",
        "Orla Madden edits the culture pages of {paper} and chairs the paper's "
        "annual short-story prize.",
        "culture",
    ),
    DemoAuthor(
        "Fionn Lally",
        "Music and theatre critic",
        "Fionn Lally has reviewed theatre and music in the west for fifteen years.",
        "culture",
    ),
    DemoAuthor(
        "Emer Costelloe",
        "Lifestyle editor",
        "Emer Costelloe writes about homes, gardens and the good life on the "
        "Atlantic coast.",
        "lifestyle",
    ),
    DemoAuthor(
        "Mark Quirke",
        "Food writer",
        "Mark Quirke reviews restaurants and writes about the region's "
        "producers. He pays for every meal he reviews.",
        "lifestyle",
    ),
    DemoAuthor(
        "Seán Broderick",
        "Farming editor",
        "Seán Broderick farms suckler cows near Athenry and has edited the "
        "farming pages since 2011.",
        "farming",
    ),
    DemoAuthor(
        "Máire Ní Fhlatharta",
        "Columnist",
        "Máire Ní Fhlatharta is a broadcaster and writer from Inverin. Her "
        "column appears every Saturday.",
        "opinion",
    ),
    DemoAuthor(
        "Helen Rafferty",
        "Professor of strategic studies at Corrib University",
        "Helen Rafferty, professor of strategic studies at Corrib University, "
        "is the author of nine books, most recently The Small State at Sea.",
        "opinion",
    ),
    DemoAuthor(
        "Brendan Kilbride",
        "Former county manager",
        "Brendan Kilbride was manager of Mayo County Council from 2005 to 2019. "
        "He writes a fortnightly column on local government.",
        "opinion",
    ),
    DemoAuthor(
        "Yusuf Adeyemi",
        "Lecturer in economics at Corrib University",
        "Yusuf Adeyemi, lecturer in economics at Corrib University, studies "
        "regional development and housing markets.",
        "opinion",
    ),
    DemoAuthor(
        "Catherine Lyons",
        "Deputy editor",
        "Catherine Lyons is deputy editor of {paper}.",
        "opinion",
    ),
    DemoAuthor(
        "Jean-Marc Perrot",
        "Brussels correspondent",
        "Jean-Marc Perrot reports on the European Union for several regional "
        "papers in Ireland and France.",
        "opinion",
    ),
    DemoAuthor(
        "Anna Kowalska",
        "Writer and translator",
        "Anna Kowalska translates from French, Polish and German. She lives in "
        "Oughterard.",
        "translator",
    ),
    DemoAuthor(
        "Keith Dolan",
        "Chief photographer",
        "Keith Dolan has photographed the west for {paper} since 1998.",
        "photo",
    ),
    DemoAuthor(
        "Ailbhe Joyce",
        "Graphics and illustration editor",
        "Ailbhe Joyce draws the maps, charts and illustrations in {paper}.",
        "photo",
    ),
    DemoAuthor(
        "Western Wire Service",
        "News agency",
        "Western Wire Service supplies regional and national news to papers "
        "across Ireland.",
        "agency",
    ),
]

# The fixed tag vocabulary; each topic below draws its tags from here.
TAGS = [
    "Housing",
    "Health",
    "Hospitals",
    "Education",
    "Courts",
    "Gardaí",
    "Transport",
    "Roads",
    "Environment",
    "Flooding",
    "Planning",
    "Local government",
    "Politics",
    "Europe",
    "Defence",
    "Irish language",
    "Jobs",
    "Tourism",
    "Property",
    "Retail",
    "Technology",
    "Economy",
    "Hurling",
    "Gaelic football",
    "Rugby",
    "Soccer",
    "Racing",
    "Theatre",
    "Music",
    "Books",
    "Visual art",
    "Festivals",
    "Food and drink",
    "Walks",
    "Gardening",
    "Wellbeing",
    "Beef",
    "Dairy",
    "Sheep",
    "Weather",
]

TOWNS = [
    "Galway",
    "Ennis",
    "Tuam",
    "Athenry",
    "Loughrea",
    "Ballinasloe",
    "Clifden",
    "Oranmore",
    "Gort",
    "Kilrush",
    "Shannon",
    "Oughterard",
    "Kinvara",
    "Lahinch",
    "Portumna",
    "Headford",
    "Castlebar",
    "Westport",
    "Ballina",
    "Claremorris",
]
COUNTIES = ["Galway", "Clare", "Mayo"]
COUNTY_TEAMS = ["Galway", "Clare", "Mayo", "Limerick", "Kerry", "Tipperary", "Cork"]
FIRST_NAMES = [
    "Mary",
    "John",
    "Siobhán",
    "Michael",
    "Bríd",
    "Peter",
    "Deirdre",
    "Kevin",
    "Nuala",
    "Liam",
    "Fiona",
    "Colm",
    "Ann",
    "Dara",
    "Eileen",
    "Noel",
]
SURNAMES = [
    "Hession",
    "Forde",
    "Concannon",
    "Keady",
    "Mannion",
    "Cloonan",
    "Naughton",
    "Burke",
    "Fahy",
    "Moran",
    "Walsh",
    "Hynes",
    "Kenny",
    "Coen",
    "Joyce",
    "Geraghty",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
PLAYS = [
    "The Salt Road",
    "A Quiet Tide",
    "The Last Ferry to Inis Meáin",
    "Bog Cotton",
    "The Weighing Scales",
    "Small Hours",
]
BOOKS = [
    "The Lighthouse Keeper's Daughters",
    "Stone Walls",
    "What the Curlew Said",
    "A Map of Low Ground",
    "The Winter Mart",
    "Field Notes from Connemara",
]
VENUES = [
    "Town Hall Theatre",
    "Black Box Theatre",
    "Glór",
    "Linenhall Arts Centre",
    "Mick Lally Theatre",
]
RUGBY_TEAMS = ["Munster", "Leinster", "Ulster", "Edinburgh", "the Ospreys", "Benetton"]
SOCCER_TEAMS = ["Sligo Rovers", "Finn Harps", "Cobh Ramblers", "Athlone Town", "Bray"]
RESTAURANTS = [
    "The Pier House",
    "Blackthorn",
    "Cnoc Bán",
    "The Linen Room",
    "Salt & Rye",
    "Kelp",
]


# A topic keeps an article coherent: its headline, standfirst, paragraphs,
# quotes and tags all tell the same story. Slots in braces are filled by
# `_slots()`. Quotes come from someone in `speakers`; with no speakers (opinion)
# the quote is the writer's own line, pulled out.
@dataclass(frozen=True)
class Topic:
    headlines: list
    standfirsts: list
    paragraphs: list
    quotes: list
    subheads: list
    tags: list
    kinds: list
    link: tuple
    scenes: list
    speakers: list = field(default_factory=list)


TOPICS = {
    "news": [
        Topic(
            headlines=[
                "{county} County Council approves €{money}m plan for {count} homes "
                "in {town}",
                "{count} homes for {town} approved despite objections",
                "Go-ahead for {count}-home scheme on edge of {town}",
            ],
            standfirsts=[
                "Councillors voted {votes} in favour after a debate that ran past "
                "midnight, but objectors say the roads cannot take the traffic.",
                "The first residents could move in by {year}. Neighbours say the "
                "single access road is already congested at school times.",
            ],
            paragraphs=[
                "Councillors in {county} have approved plans for {count} homes on "
                "a site at the edge of {town}, in one of the largest housing "
                "decisions the council has taken in a decade.",
                "The scheme, to be built in three phases, includes social and "
                "affordable homes, a crèche and a small park. The first residents "
                "could move in by {year}, the council's director of housing said.",
                "Objectors, including a residents' association from the "
                "neighbouring estate, told the meeting that the single access road "
                "was already congested at school times.",
                "There are {count2} households on the social housing list in "
                "{county}, according to the council's most recent figures.",
                "An appeal to An Coimisiún Pleanála is possible within four weeks "
                "of the decision.",
            ],
            quotes=[
                "We have people in their thirties living in their childhood "
                "bedrooms. We cannot keep saying no",
                "Nobody here is against housing. We are against a plan that puts "
                "four hundred cars on a road built for forty",
            ],
            speakers=["a local councillor", "a member of the residents' association"],
            subheads=["Traffic concerns", "What happens next", "The waiting list"],
            tags=["Housing", "Planning", "Local government"],
            kinds=["news", "news", "analysis"],
            link=("https://www.gov.ie/en/", "the Department of Housing"),
            scenes=["town", "hills"],
        ),
        Topic(
            headlines=[
                "{count} patients on trolleys at hospitals in the west",
                "Trolley numbers at University Hospital Galway highest for the "
                "month, nurses say",
            ],
            standfirsts=[
                "The figures, published on {weekday}, are the highest recorded for "
                "the month, and nurses say the winter has not yet started.",
                "The HSE asks people with less urgent complaints to see their GP "
                "or a pharmacist before going to an emergency department.",
            ],
            paragraphs=[
                "There were {count} patients waiting on trolleys at hospitals in "
                "the west on {weekday} morning, according to the Irish Nurses and "
                "Midwives Organisation.",
                "The Health Service Executive said emergency departments were "
                "under sustained pressure and asked people with less urgent "
                "complaints to contact their GP or a pharmacist first.",
                "A spokeswoman for the HSE said {n}0 additional nurses had been "
                "approved for the region and that most were already in post.",
                "Patients aged over 75 waited an average of {hours} hours longer "
                "than younger patients to be admitted to a ward.",
            ],
            quotes=[
                "Our members are doing their best in impossible conditions. A "
                "corridor is not a ward",
                "Nobody should spend a night on a trolley, least of all someone "
                "in their eighties",
            ],
            speakers=["an INMO representative", "a local TD"],
            subheads=["Pressure on staff", "The figures"],
            tags=["Health", "Hospitals"],
            kinds=["news", "news", "analysis"],
            link=("https://www.hse.ie/", "the HSE"),
            scenes=["town"],
        ),
        Topic(
            headlines=[
                "New primary care centre for {town} to open in {year}",
                "{town} to get primary care centre with two GP practices",
            ],
            standfirsts=[
                "The centre will end a forty-minute drive to the doctor for "
                "hundreds of patients, the HSE says.",
                "Local representatives have campaigned for the centre for a "
                "decade. Building work starts in the spring.",
            ],
            paragraphs=[
                "The new centre in {town} will house two GP practices, a "
                "physiotherapist, public health nurses and a mental health team.",
                "About {count2} patients in the area have no GP of their own and "
                "travel to {town2} for appointments.",
                "Local representatives have raised the shortage of doctors in the "
                "area in the Dáil on three occasions this year.",
                "The HSE said it expected to sign a lease within weeks and that "
                "the centre would open in {year}.",
            ],
            quotes=[
                "People should not have to choose between a day's wages and seeing "
                "a doctor",
                "This is the news the town has been waiting ten years for",
            ],
            speakers=["a local TD", "a GP in the town"],
            subheads=["A long wait", "When it opens"],
            tags=["Health"],
            kinds=["news"],
            link=("https://www.hse.ie/", "the HSE"),
            scenes=["town"],
        ),
        Topic(
            headlines=[
                "Man ({age}) charged after assault in {town}",
                "Man ({age}) remanded on bail after {town} assault",
            ],
            standfirsts=[
                "The case was adjourned to {weekday} week, when the accused is to "
                "appear again before the District Court in {court_town}.",
                "The accused must stay away from the town centre and sign on at "
                "the Garda station three times a week.",
            ],
            paragraphs=[
                "A man aged {age} has been charged in connection with an incident "
                "in {town} in the early hours of {weekday}.",
                "He appeared before a special sitting of the District Court in "
                "{court_town} and was remanded on bail with conditions, including "
                "that he stay away from the town centre.",
                "The injured man was taken to University Hospital Galway, where "
                "his condition is described as stable.",
                "Judge {name} said the charges were serious and that the "
                "conditions were necessary to protect witnesses.",
            ],
            quotes=[
                "My client denies the charges and will be contesting them",
                "This was a serious matter and it could very easily have ended in "
                "a death",
            ],
            speakers=["the accused's solicitor", "Inspector {name}"],
            subheads=["In court", "Bail conditions"],
            tags=["Courts", "Gardaí"],
            kinds=["news"],
            link=("https://www.courts.ie/", "the Courts Service"),
            scenes=["town"],
        ),
        Topic(
            headlines=[
                "Gardaí appeal for witnesses after collision near {town}",
                "Two people in hospital after collision on N{road} near {town}",
            ],
            standfirsts=[
                "Gardaí are asking anyone who was on the road between 9pm and "
                "midnight, and anyone with dash-cam footage, to come forward.",
                "The road was closed for several hours while forensic collision "
                "investigators examined the scene.",
            ],
            paragraphs=[
                "Two cars were involved in the collision on the N{road} at about "
                "10.30pm on {weekday}.",
                "Gardaí said the road was closed for several hours while forensic "
                "collision investigators examined the scene.",
                "The drivers, a man in his {decade}s and a woman in her twenties, "
                "were taken to hospital. Neither is thought to be seriously hurt.",
                "Anyone with information is asked to contact {town} Garda station "
                "or the Garda Confidential Line on 1800 666 111.",
            ],
            quotes=[
                "Any footage, however brief, could help us establish what happened",
            ],
            speakers=["Sergeant {name}"],
            subheads=["Appeal for information"],
            tags=["Gardaí", "Roads"],
            kinds=["news"],
            link=("https://www.garda.ie/", "An Garda Síochána"),
            scenes=["town", "hills"],
        ),
        Topic(
            headlines=[
                "Suspended sentence for {town} man ({age}) who defrauded employer",
                "{town} businessman receives suspended sentence for fraud",
            ],
            standfirsts=[
                "The judge took the early guilty plea and the absence of previous "
                "convictions into account.",
                "The court heard that the full amount had been repaid before the "
                "case came to trial.",
            ],
            paragraphs=[
                "The case was heard at {court_town} Circuit Court on {weekday}.",
                "Judge {name} said the court had taken into account the accused's "
                "early plea and the fact that there were no previous convictions.",
                "A garda told the court that the accused had co-operated fully "
                "with the investigation.",
                "The sentence was suspended for two years on condition that the "
                "accused keep the peace.",
            ],
            quotes=[
                "My client has shown genuine remorse and has already paid back "
                "every cent",
            ],
            speakers=["the defence barrister"],
            subheads=["The sentence"],
            tags=["Courts"],
            kinds=["news"],
            link=("https://www.courts.ie/", "the Courts Service"),
            scenes=["town"],
        ),
        Topic(
            headlines=[
                "Flood defences for {town} to cost €{money}m, report finds",
                "{town} flood scheme to protect {count} homes and businesses",
            ],
            standfirsts=[
                "The scheme has been talked about since the floods of 2015. Now "
                "there is a price, a map and, for the first time, a date.",
                "Walls, embankments and a new pumping station are proposed. "
                "Public consultation opens on {weekday}.",
            ],
            paragraphs=[
                "The report, commissioned by the Office of Public Works, "
                "recommends a combination of walls, embankments and a new pumping "
                "station to protect {count} homes and businesses in {town}.",
                "Work could begin in {year} if planning permission is granted, "
                "and would take about two years.",
                "Some businesses on the quay have flooded four times in the past "
                "decade and several can no longer get insurance.",
                "Public consultation on the plans opens on {weekday} and runs for "
                "six weeks. Drawings will be on display in the library in {town}.",
            ],
            quotes=[
                "Every time it rains hard for a day, people on the quay start "
                "moving furniture upstairs. That has to end",
                "We welcome the plan, but we have welcomed plans before",
            ],
            speakers=["a business owner on the quay", "a local councillor"],
            subheads=["The plan", "Cost and timing", "Consultation"],
            tags=["Flooding", "Environment", "Planning"],
            kinds=["news", "news", "analysis"],
            link=("https://www.opw.ie/", "the Office of Public Works"),
            scenes=["harbour"],
        ),
        Topic(
            headlines=[
                "Bus route linking {town} and {town2} to run every 30 minutes",
                "New bus service to link {town} and {town2} from next month",
                "{km}km greenway from {town} to {town2} opens to walkers and cyclists",
            ],
            standfirsts=[
                "Transport officials say the change will take {count} cars a day "
                "off the road, if people use it.",
                "Commuters have asked for a reliable connection for years. The "
                "National Transport Authority says it has listened.",
            ],
            paragraphs=[
                "The new service between {town} and {town2} will run every half "
                "hour from 7am to 11pm on weekdays, and hourly at weekends.",
                "The National Transport Authority said passenger numbers on "
                "routes in the region had grown by {pct} per cent in a year.",
                "Cyclists and walkers will be able to travel the {km}km route "
                "between the two towns without meeting a car, the council said.",
                "Fares will be the same as on existing routes, and the Leap card "
                "will be accepted.",
            ],
            quotes=[
                "If the bus comes when it says it will, people will take it. It "
                "really is that simple",
                "This gives young people in the town a way to get to college "
                "without a car",
            ],
            speakers=["a commuter from {town}", "a local councillor"],
            subheads=["The timetable", "Who it serves"],
            tags=["Transport", "Roads", "Environment"],
            kinds=["news", "feature"],
            link=("https://www.nationaltransport.ie/", "the NTA"),
            scenes=["hills", "town"],
        ),
        Topic(
            headlines=[
                "School in {town} gets go-ahead for {n}-classroom extension",
                "Gaelscoil in {town} to get permanent building after years in prefabs",
            ],
            standfirsts=[
                "Pupils have been taught in prefabs for eleven years. The "
                "principal says the news came on the last day of term.",
                "The Department of Education has approved funding, and building "
                "could start within a year.",
            ],
            paragraphs=[
                "The Department of Education has approved funding for the "
                "project at the school, which has {count} pupils and a waiting "
                "list for junior infants.",
                "Classes have been taught in prefabricated buildings since the "
                "school outgrew its original site.",
                "The design includes a sports hall, a special education unit and "
                "a garden that pupils will help to plant.",
                "The principal said parents and staff had lobbied every minister "
                "for education for a decade.",
            ],
            quotes=[
                "The children deserve classrooms with windows that open and "
                "radiators that work. Now they will have them",
                "It is a great day for the school and for the town",
            ],
            speakers=["the principal", "the chair of the board of management"],
            subheads=["Years in prefabs", "What will be built"],
            tags=["Education", "Irish language"],
            kinds=["news"],
            link=("https://www.gov.ie/en/", "the Department of Education"),
            scenes=["town"],
        ),
        Topic(
            headlines=[
                "Parents in {town} protest over school transport cuts",
                "School bus changes leave {count} pupils in {county} without a seat",
            ],
            standfirsts=[
                "The Department of Education says the changes affect fewer than "
                "{count} children, but parents say the figure is much higher.",
                "Families were told by letter in August. Some now drive forty "
                "minutes a day to get children to school.",
            ],
            paragraphs=[
                "Parents gathered outside the school gates in {town} on {weekday} "
                "morning, many holding hand-made signs.",
                "Under the new rules, pupils who live less than 3.2km from their "
                "nearest school are no longer eligible for a seat on the bus.",
                "Bus Éireann, which runs the scheme, said it was applying the "
                "department's criteria and could not comment on individual cases.",
                "Local TDs have asked the minister to restore the service until "
                "the end of the school year.",
            ],
            quotes=[
                "Nobody asked the parents. We found out from a letter in August",
                "There is no footpath on that road. Nobody is walking their child "
                "to school along it",
            ],
            speakers=["a parent", "a parent of two pupils"],
            subheads=["The new rules", "What parents want"],
            tags=["Education", "Transport"],
            kinds=["news"],
            link=("https://www.gov.ie/en/", "the Department of Education"),
            scenes=["town"],
        ),
    ],
    "opinion": [
        Topic(
            headlines=[
                "Ireland's neutrality is a policy, not a shield",
                "Our seas are the country's largest and least defended asset",
                "The triple lock served its purpose. It is time for a debate",
            ],
            standfirsts=[
                "A small state that depends on undersea cables for nearly all its "
                "data cannot leave their protection to others",
                "Decades of underinvestment in the Naval Service have so far "
                "yielded little but a quiet dependence on our neighbours",
            ],
            paragraphs=[
                "For most of the state's history, neutrality has been less a "
                "doctrine than a habit: a way of staying out of other people's "
                "wars that rarely required us to think about our own defence.",
                "That habit is now expensive. Ireland's maritime area is roughly "
                "ten times the size of its land, and many of the transatlantic "
                "data cables in the northern hemisphere pass near our coast.",
                "The Naval Service has struggled for years to crew the ships it "
                "has. On several days this year, only one vessel was at sea.",
                "None of this requires joining an alliance. It requires deciding "
                "what we want to protect and paying for the means to do it.",
                "Other small neutral states have done exactly that. Their example "
                "deserves more attention in the Dáil than it gets.",
            ],
            quotes=[
                "Neutrality that cannot be defended is not neutrality; it is hope",
            ],
            subheads=["A question of capacity", "What other small states do"],
            tags=["Defence", "Politics", "Europe"],
            kinds=["opinion", "analysis"],
            link=("https://www.gov.ie/en/", "the Commission on the Defence Forces"),
            scenes=["harbour"],
        ),
        Topic(
            headlines=[
                "The west does not need another plan. It needs the last one built",
                "Why our towns are emptying while our cities overflow",
                "Rural Ireland is not a theme park for weekend visitors",
            ],
            standfirsts=[
                "Every government promises balanced regional development. Few "
                "measure whether it happens",
                "Vacant shops on main streets are a symptom. The cause is decisions "
                "made far from here",
            ],
            paragraphs=[
                "Walk the main street of almost any town in the west on a weekday "
                "afternoon and count the empty shopfronts. In some it is one in "
                "four.",
                "The National Planning Framework promised that half of the "
                "country's growth would happen outside Dublin. The figures so far "
                "suggest otherwise.",
                "The money is not the problem. Grants for vacant buildings exist; "
                "what is missing is the staff in councils to help people use them.",
                "There is a version of the west that works: towns with schools, "
                "doctors, broadband and a bus to the city. We have seen it in "
                "places like {town}.",
                "It will not happen by itself. It needs the kind of patient, "
                "boring, local work that never makes a press release.",
            ],
            quotes=[
                "A town is not a collection of buildings. It is a habit of "
                "meeting people",
            ],
            subheads=["Counting the empty shops", "What works"],
            tags=["Planning", "Local government", "Housing", "Economy"],
            kinds=["opinion"],
            link=("https://www.npf.ie/", "the National Planning Framework"),
            scenes=["town", "hills"],
        ),
        Topic(
            headlines=[
                "Irish is alive in the Gaeltacht. Housing is killing it",
                "Our language needs speakers, not just signposts",
            ],
            standfirsts=[
                "Young Irish speakers are leaving Connemara not because they want "
                "to but because they cannot find a home",
                "Bilingual road signs cost little. Keeping a community together "
                "costs more, and matters more",
            ],
            paragraphs=[
                "In some Gaeltacht parishes the share of daily Irish speakers has "
                "fallen by a third in a generation.",
                "The reasons are not mysterious. Holiday homes outbid local "
                "families; jobs are in the city; the bus runs twice a day.",
                "Language planning committees have done heroic work with very "
                "little money. They cannot build houses.",
                "A simple rule, reserving a share of new homes for people who use "
                "the language, has been proposed for a decade and never enacted.",
            ],
            quotes=["A language lives where people can afford to live"],
            subheads=["A generation lost", "One simple rule"],
            tags=["Irish language", "Housing"],
            kinds=["opinion"],
            link=("https://www.udaras.ie/", "Údarás na Gaeltachta"),
            scenes=["hills", "harbour"],
        ),
        Topic(
            headlines=[
                "Europe's farm policy is being rewritten. Ireland is not at the table",
                "The EU budget fight will be decided in the next six months",
            ],
            standfirsts=[
                "Brussels is drafting the next budget now, and the small print "
                "will shape every farm and town in the west",
                "The debate in Brussels has moved faster than the debate at home",
            ],
            paragraphs=[
                "The European Commission will publish its proposals for the next "
                "long-term budget within months, and early drafts point to deep "
                "changes in farm support.",
                "Ireland has usually defended the Common Agricultural Policy "
                "alongside France. This time the alliances are less certain.",
                "Other member states want more money for defence and for "
                "industry, and they are making that case early and loudly.",
                "If Irish ministers wait until the final summit to engage, they "
                "will be negotiating over a text that others have already written.",
            ],
            quotes=["In Brussels, the first draft is usually the last word"],
            subheads=["Shifting alliances", "Engage early"],
            tags=["Europe", "Politics", "Beef", "Dairy"],
            kinds=["opinion", "analysis"],
            link=("https://commission.europa.eu/", "the European Commission"),
            scenes=["fields", "town"],
        ),
    ],
    "business": [
        Topic(
            headlines=[
                "{count} jobs for {town} as medical devices firm expands",
                "Software company to double {town} workforce by {year}",
                "{count} new jobs announced for {town}",
            ],
            standfirsts=[
                "The expansion, supported by IDA Ireland, will see the company "
                "hire engineers, technicians and operators over three years.",
                "Recruitment begins immediately. The company says most roles will "
                "be filled from the region.",
            ],
            paragraphs=[
                "The company, which has been in {town} since 1998, will add "
                "{count} roles to a workforce of about {count2}.",
                "Most of the new jobs will be in engineering and quality "
                "assurance, with recruitment beginning immediately, the company "
                "said.",
                "The Minister for Enterprise said the announcement was a vote of "
                "confidence in the region's skills base.",
                "The company will also extend its apprenticeship programme with "
                "the local technological university.",
            ],
            quotes=[
                "We came here for the people, and we are staying for the people",
                "This is a vote of confidence in the west",
            ],
            speakers=["the chief executive", "the Minister for Enterprise"],
            subheads=["Recruitment", "Why here"],
            tags=["Jobs", "Technology", "Economy"],
            kinds=["news", "news", "analysis"],
            link=("https://www.idaireland.com/", "IDA Ireland"),
            scenes=["chart", "town"],
        ),
        Topic(
            headlines=[
                "Factory in {town} to close with loss of {count} jobs",
                "{count} jobs to go at {town} plant",
            ],
            standfirsts=[
                "Workers were told on {weekday} morning. Union representatives say "
                "they were given no warning.",
                "The company blames rising costs and falling orders. Production "
                "will move to a plant in eastern Europe.",
            ],
            paragraphs=[
                "The company, which has been in {town} since 1987, said the plant "
                "would close on a phased basis over six months.",
                "SIPTU said it would seek an urgent meeting with management and "
                "that redundancy terms would be the first priority.",
                "The plant is one of the largest employers in the town, and local "
                "businesses say the effect will be felt on every street.",
                "The Minister for Enterprise said agencies would work to bring "
                "new investment to the site.",
            ],
            quotes=[
                "These are skilled workers with families and mortgages. They "
                "deserve better than a fifteen-minute meeting",
                "This is a devastating day for the town",
            ],
            speakers=["a SIPTU organiser", "a local councillor"],
            subheads=["Union response", "A blow to the town"],
            tags=["Jobs", "Economy"],
            kinds=["news"],
            link=("https://www.siptu.ie/", "SIPTU"),
            scenes=["town", "chart"],
        ),
        Topic(
            headlines=[
                "House prices in {county} up {pct}% in a year",
                "Three-bed semi in {county} now costs more than at the peak of "
                "the boom",
            ],
            standfirsts=[
                "Agents say demand is strong and supply is thin, and that the "
                "pattern is unlikely to change this year.",
                "Fewer homes were listed for sale last month than in any month "
                "since records began.",
            ],
            paragraphs=[
                "Prices in {county} rose by {pct} per cent in the twelve months "
                "to the end of last month, according to the latest report.",
                "The average asking price for a three-bedroom semi-detached house "
                "is now €{price},000.",
                "There were fewer than {count} homes for sale in the county on "
                "the first day of the month, a historic low.",
                "Average rents in {town} have risen past €{rent} a month.",
            ],
            quotes=[
                "We have buyers on every list and almost nothing to show them",
            ],
            speakers=["an estate agent in {town}"],
            subheads=["Supply and demand", "The outlook"],
            tags=["Property", "Housing", "Economy"],
            kinds=["news", "analysis"],
            link=("https://www.cso.ie/en/", "the Central Statistics Office"),
            scenes=["chart", "town"],
        ),
        Topic(
            headlines=[
                "Tourism numbers in {county} back above pre-pandemic level",
                "Visitor numbers on the Wild Atlantic Way up {pct}%",
            ],
            standfirsts=[
                "American visitors drove the increase, with bookings from Germany "
                "and France also strong.",
                "Hotels, pubs and tour operators report their best season in "
                "years, though costs have risen too.",
            ],
            paragraphs=[
                "Visitor numbers to the county rose by {pct} per cent last year, "
                "with the Wild Atlantic Way the main draw.",
                "Hotel occupancy in {town} averaged {occupancy} per cent over the "
                "summer months.",
                "Shannon Airport added new routes to Boston and New York, and "
                "passenger numbers rose for the third year in a row.",
                "Fáilte Ireland said it would focus on spreading visitors across "
                "the year rather than increasing summer numbers.",
            ],
            quotes=[
                "The visitors are back. The question now is keeping them here "
                "for a second night",
            ],
            speakers=["a hotelier in {town}"],
            subheads=["The numbers", "Beyond the summer"],
            tags=["Tourism", "Jobs"],
            kinds=["news", "analysis"],
            link=("https://www.failteireland.ie/", "Fáilte Ireland"),
            scenes=["harbour", "chart"],
        ),
        Topic(
            headlines=[
                "{town} hotel owners warn on VAT rate",
                "Hotels in {county} closing off-season as costs rise",
            ],
            standfirsts=[
                "Owners say costs have risen faster than room rates and that "
                "smaller hotels are closing for the winter.",
                "The Irish Hotels Federation wants the lower rate restored in "
                "the budget.",
            ],
            paragraphs=[
                "Energy, wages and insurance have all risen by more than room "
                "rates over the past two years, hoteliers say.",
                "At least {n} hotels and guesthouses in {county} closed from "
                "November to March last year.",
                "Retailers in {town} say footfall has recovered but spending per "
                "visit has not kept pace with costs.",
                "The Department of Finance said all tax rates would be reviewed "
                "in the run-up to the budget.",
            ],
            quotes=[
                "The visitors are back. The question is whether we can afford to "
                "open the doors for them",
            ],
            speakers=["a hotelier in {town}"],
            subheads=["Costs", "What owners want"],
            tags=["Tourism", "Retail", "Economy"],
            kinds=["news"],
            link=("https://www.ihf.ie/", "the Irish Hotels Federation"),
            scenes=["town", "harbour"],
        ),
    ],
    "sport": [
        Topic(
            headlines=[
                "{team} hurlers hold off {team2} to reach league semi-final",
                "Late point sends {team} past {team2}",
                "{team} edge {team2} in a thriller",
            ],
            standfirsts=[
                "A point in stoppage time settled a tense contest in front of "
                "{count2} supporters.",
                "Two second-half substitutes scored from play as {team} came back "
                "from four points down.",
            ],
            paragraphs=[
                "{team} led by four points at half-time but were pegged back "
                "after the break as {team2} took control of the middle third.",
                "The decisive score came in the second minute of stoppage time, "
                "a free from seventy metres that drifted over the bar.",
                "The attendance of {count2} was the largest at the ground this season.",
                "The manager made two changes at half-time, and both substitutes "
                "scored from play.",
                "{team} face {team3} in the semi-final in a fortnight, with the "
                "venue to be confirmed.",
            ],
            quotes=[
                "We knew they would come at us. The lads showed great character "
                "to dig it out",
                "We were beaten by a better team on the day. No excuses",
            ],
            speakers=["the {team} manager", "the {team2} manager"],
            subheads=["Turning point", "What the managers said", "Next up"],
            tags=["Hurling"],
            kinds=["news", "news", "feature"],
            link=("https://www.gaa.ie/", "the GAA"),
            scenes=["pitch"],
        ),
        Topic(
            headlines=[
                "{team} name unchanged side for {team2} test",
                "{team} manager expects hardest test yet against {team2}",
            ],
            standfirsts=[
                "The manager says his squad has learned from last year's defeat, "
                "but {team2} will be the toughest test yet.",
                "A clean bill of health means the same fifteen that started the "
                "last game will start on Sunday.",
            ],
            paragraphs=[
                "The {team} footballers have named the side that started their "
                "win in the last round, with the injured captain back on the "
                "bench.",
                "{team2} have won their last {n} meetings between the counties, "
                "and the manager admitted the record weighed on the squad.",
                "Throw-in at the county ground is at 2pm on Sunday. Tickets are "
                "available online only.",
                "The minor teams meet in the curtain-raiser at 12.15pm.",
            ],
            quotes=[
                "We have not beaten them in a while. That has to change some day",
                "Nobody in the dressing room needs to be told what is at stake",
            ],
            speakers=["the {team} manager"],
            subheads=["The team", "Tickets and throw-in"],
            tags=["Gaelic football"],
            kinds=["news"],
            link=("https://www.gaa.ie/", "the GAA"),
            scenes=["pitch"],
        ),
        Topic(
            headlines=[
                "Connacht edge thriller against {rugby_team} at the Sportsground",
                "Late try gives Connacht win over {rugby_team}",
            ],
            standfirsts=[
                "A try in the final play of the game decided a contest that "
                "swung one way and then the other.",
                "Connacht trailed by six points with five minutes to play and "
                "kept their composure.",
            ],
            paragraphs=[
                "The home side trailed by six points with five minutes to play "
                "but kept their composure.",
                "The winning try came after twenty phases, the scrum-half "
                "darting over from close range.",
                "{count2} supporters turned out on a cold {weekday} evening.",
                "The win lifts Connacht to {place} in the table with {n} rounds "
                "to play.",
            ],
            quotes=[
                "That is what this place is about. The crowd carried us home",
            ],
            speakers=["the Connacht head coach"],
            subheads=["The finish", "Looking ahead"],
            tags=["Rugby"],
            kinds=["news", "feature"],
            link=("https://www.connachtrugby.ie/", "Connacht Rugby"),
            scenes=["pitch"],
        ),
        Topic(
            headlines=[
                "Galway United stay top after win over {soccer_team}",
                "{town} Celtic win first league title in {n}0 years",
            ],
            standfirsts=[
                "A second-half goal was enough on a heavy pitch in front of a "
                "big crowd.",
                "The win was built on a defence that has conceded {n} goals all "
                "season.",
            ],
            paragraphs=[
                "The only goal came ten minutes after half-time, a header from a "
                "corner at the far post.",
                "The visitors had more of the ball but created little against a "
                "well-organised defence.",
                "The club's under-age teams have produced {n} senior players in "
                "the last five years.",
                "The next home game is on Friday week at 7.45pm.",
            ],
            quotes=["Clean sheets win leagues. The lads were outstanding"],
            speakers=["the manager"],
            subheads=["The goal", "Next up"],
            tags=["Soccer"],
            kinds=["news"],
            link=("https://www.leagueofireland.ie/", "the League of Ireland"),
            scenes=["pitch"],
        ),
        Topic(
            headlines=[
                "Galway Races: {town} trainer lands big handicap",
                "{town} rider claims first winner at Galway festival",
            ],
            standfirsts=[
                "The six-year-old won by a length and a half at odds of {odds}/1.",
                "A patient ride on rain-softened ground paid off in the final furlong.",
            ],
            paragraphs=[
                "The winner tracked the leaders until the final furlong before "
                "pulling clear on the rain-softened ground.",
                "It was a first festival winner for the trainer, who keeps {n}0 "
                "horses at a yard near {town}.",
                "The festival attracted {count2}00 racegoers over seven days.",
            ],
            quotes=["This is the one you dream about as a child"],
            speakers=["the winning trainer"],
            subheads=["The race"],
            tags=["Racing"],
            kinds=["news"],
            link=("https://www.hri.ie/", "Horse Racing Ireland"),
            scenes=["pitch", "fields"],
        ),
    ],
    "culture": [
        Topic(
            headlines=[
                "{play} at the {venue}: a bold staging that comes off",
                "Review: {play} finds new life in an old story",
                "{play} is the most moving play of the year",
            ],
            standfirsts=[
                "A cast of four and a kitchen table carry a story of emigration "
                "that never once turns sentimental.",
                "Its final twenty minutes are as strong as anything on an Irish "
                "stage this year.",
            ],
            paragraphs=[
                "{play} is set in a farmhouse kitchen in the 1950s, on the night "
                "before the eldest son leaves for Boston.",
                "The director keeps the staging bare: a table, four chairs and a "
                "window through which the light slowly fades.",
                "The performances are uniformly fine, but it is the mother, "
                "played with a quiet fury, who stays with you.",
                "{play} runs at the {venue} until {weekday} week, then tours to "
                "{town} and {town2}.",
            ],
            quotes=[
                "We wanted to tell a story about leaving that is really about "
                "the people who stay",
            ],
            speakers=["the director"],
            subheads=["The performances", "Verdict"],
            tags=["Theatre", "Festivals"],
            kinds=["review"],
            link=("https://www.giaf.ie/", "the Galway International Arts Festival"),
            scenes=["stage"],
        ),
        Topic(
            headlines=[
                "{book}: a debut novel of rare restraint",
                "Book review: {book} maps a vanishing west",
            ],
            standfirsts=[
                "Set over one winter on an island off the Mayo coast, this is a "
                "novel about weather, work and what goes unsaid.",
                "The author spent six years on the book, and it shows in every "
                "carefully weighted sentence.",
            ],
            paragraphs=[
                "{book} opens with a storm and closes with a calm, and in between "
                "very little happens, beautifully.",
                "The prose is plain and precise, and the dialogue has the rhythm "
                "of people who have known each other all their lives.",
                "The author grew up near {town} and now lives in Dublin, but "
                "says she has never written about anywhere else.",
                "{book} is published by a small press in Galway and is available "
                "in bookshops now.",
            ],
            quotes=[
                "I write about home because I am still trying to understand it",
            ],
            speakers=["the author"],
            subheads=["The story", "Verdict"],
            tags=["Books"],
            kinds=["review"],
            link=("https://www.poetryireland.ie/", "Poetry Ireland"),
            scenes=["stage", "hills"],
        ),
        Topic(
            headlines=[
                "Trad festival returns to {town} with {count} musicians",
                "Sessions in every pub as {town} trad festival turns {edition}",
            ],
            standfirsts=[
                "The weekend will see sessions in every pub in the town and a "
                "céilí on the square on {weekday} night.",
                "Musicians are coming from across the country and from as far "
                "away as Japan.",
            ],
            paragraphs=[
                "The festival, now in its {edition}th year, brings musicians from "
                "across the country and from as far away as Japan.",
                "Workshops in fiddle, flute, concertina and sean-nós dance run "
                "each morning in the community hall.",
                "Admission to most events is free, and a full programme is "
                "available from the library in {town}.",
            ],
            quotes=[
                "The music was always here. The festival just gives it a stage",
            ],
            speakers=["the festival director"],
            subheads=["The programme", "Tickets"],
            tags=["Music", "Festivals"],
            kinds=["news", "feature"],
            link=("https://comhaltas.ie/", "Comhaltas Ceoltóirí Éireann"),
            scenes=["stage", "town"],
        ),
        Topic(
            headlines=[
                "New exhibition at {town} gallery looks at the Atlantic",
                "Twenty artists respond to the sea in {town} show",
            ],
            standfirsts=[
                "Paintings, photographs and a sound installation respond to the "
                "sea, the weather and the people who live by both.",
                "The show runs until the end of next month, and admission is free.",
            ],
            paragraphs=[
                "The exhibition includes paintings, photographs and a sound "
                "installation recorded on the cliffs near {town}.",
                "Several of the artists live on the islands, and much of the work "
                "was made outdoors in all weathers.",
                "The gallery is open from Tuesday to Saturday, 10am to 5pm.",
            ],
            quotes=[
                "The Atlantic is the one thing everybody here has in common",
            ],
            speakers=["the curator"],
            subheads=["The work", "Visiting"],
            tags=["Visual art", "Festivals"],
            kinds=["feature", "review"],
            link=("https://www.artscouncil.ie/", "the Arts Council"),
            scenes=["harbour", "stage"],
        ),
    ],
    "lifestyle": [
        Topic(
            headlines=[
                "Restaurant review: {restaurant}, {town}",
                "{restaurant} in {town} is worth the drive",
            ],
            standfirsts=[
                "Local fish, good bread and a wine list that does not try too "
                "hard: this is cooking with confidence.",
                "A small room, a short menu and prices that feel like a gift.",
            ],
            paragraphs=[
                "{restaurant} sits on the corner of the square in {town}, in a "
                "building that was a drapery for most of the last century.",
                "We started with mussels from Killary Harbour, sweet and briny, "
                "in a broth of cider and wild garlic.",
                "The lamb came from a farm ten miles away and was cooked "
                "perfectly, pink and rested.",
                "Dinner for two with a bottle of wine came to €{bill}.",
            ],
            quotes=[
                "If it does not come from within an hour of here, we probably "
                "do not cook it",
            ],
            speakers=["the chef"],
            subheads=["The food", "The bill"],
            tags=["Food and drink"],
            kinds=["review"],
            link=("https://www.bordbia.ie/", "Bord Bia"),
            scenes=["table"],
        ),
        Topic(
            headlines=[
                "Five walks near {town} for a winter weekend",
                "The loop walk above {town} that locals keep to themselves",
            ],
            standfirsts=[
                "None takes more than a few hours, and every one ends near a pub "
                "with a fire.",
                "Forestry, open hill and views across to the islands, with a "
                "café at the end.",
            ],
            paragraphs=[
                "The route climbs gently from the car park through forestry "
                "before opening onto the hill, with views across to the islands.",
                "Allow about {hours} hours, wear boots, and bring a layer: the "
                "weather on the top can change in minutes.",
                "Dogs are welcome on a lead. Parking is free but fills early on "
                "fine weekends.",
            ],
            quotes=["You walk up in one season and come down in another"],
            speakers=["a walking guide from {town}"],
            subheads=["The route", "What to bring"],
            tags=["Walks", "Wellbeing"],
            kinds=["feature"],
            link=("https://www.sportireland.ie/outdoors", "Sport Ireland Outdoors"),
            scenes=["hills"],
        ),
        Topic(
            headlines=[
                "How to start sea swimming this autumn",
                "Sea swimming at {town}: what beginners need to know",
            ],
            standfirsts=[
                "Start slowly, never swim alone, and know the tide tables.",
                "The water is colder than it looks and kinder than you fear.",
            ],
            paragraphs=[
                "Water Safety Ireland recommends swimming at lifeguarded beaches "
                "and wearing a brightly coloured hat.",
                "Get in slowly, breathe out as you go, and stay in for a few "
                "minutes at first.",
                "Warm up afterwards with layers and a hot drink rather than a "
                "hot shower.",
            ],
            quotes=["The first minute is awful. The next twenty are wonderful"],
            speakers=["a sea swimmer from {town}"],
            subheads=["Getting in", "Afterwards"],
            tags=["Wellbeing"],
            kinds=["feature"],
            link=("https://watersafety.ie/", "Water Safety Ireland"),
            scenes=["harbour"],
        ),
        Topic(
            headlines=[
                "What to plant now for colour next spring",
                "A {town} garden that thrives in the Atlantic wind",
            ],
            standfirsts=[
                "Bulbs in the ground by the end of the month, and hedging that "
                "can take a salt wind.",
                "Shelter first, then plants that love the rain: a gardener's "
                "lessons from the coast.",
            ],
            paragraphs=[
                "Tulips can go in as late as November, but daffodils and crocuses "
                "want planting now.",
                "On the coast, escallonia and griselinia make the best shelter, "
                "and fuchsia will grow almost anywhere.",
                "Plant in groups of odd numbers and water well if the autumn is dry.",
            ],
            quotes=["Work with the wind, not against it"],
            speakers=["the garden's owner"],
            subheads=["Planting now", "Shelter first"],
            tags=["Gardening"],
            kinds=["feature"],
            link=("https://www.rhsi.ie/", "the Royal Horticultural Society"),
            scenes=["hills"],
        ),
        Topic(
            headlines=[
                "How to make an old house warm without losing its character",
                "A {town} cottage brought back to life for less than its owners feared",
            ],
            standfirsts=[
                "A couple in {town} spent three years bringing a stone cottage "
                "back to life.",
                "Lime, wool and patience: what works in an old Irish house.",
            ],
            paragraphs=[
                "The couple insulated the walls from the inside with lime-hemp, "
                "which lets the old stone breathe.",
                "A heat pump replaced the oil boiler, helped by a grant from the SEAI.",
                "The original flagstones were lifted, numbered and relaid over "
                "insulation.",
            ],
            quotes=["An old house will tell you what it needs if you listen"],
            speakers=["the owner"],
            subheads=["The walls", "Heating"],
            tags=["Property", "Environment"],
            kinds=["feature"],
            link=("https://www.seai.ie/", "the SEAI"),
            scenes=["town", "hills"],
        ),
    ],
    "farming": [
        Topic(
            headlines=[
                "Mart prices: strong demand for weanlings at {town}",
                "Cattle prices hold firm at {town} mart",
            ],
            standfirsts=[
                "Bullocks over 500kg made up to €{per_kg} a kilo, with exporters "
                "active around the ring.",
                "A larger entry than last week met a steady trade, with quality "
                "stock in demand.",
            ],
            paragraphs=[
                "There was an entry of {count} cattle at {town} mart on {weekday}, "
                "with a good attendance of farmers and exporters.",
                "Heifer weanlings sold from €{low} to €{high}, while the best "
                "bull weanlings made up to €{high2}.",
                "Lamb prices averaged €{lamb} a head, similar to last week.",
                "The mart manager said that numbers would rise as the autumn "
                "sales season gathered pace.",
            ],
            quotes=["Good stock sells itself. Plain stock is harder going"],
            speakers=["the mart manager"],
            subheads=["The trade", "Outlook"],
            tags=["Beef", "Sheep"],
            kinds=["news"],
            link=("https://www.teagasc.ie/", "Teagasc"),
            scenes=["fields"],
        ),
        Topic(
            headlines=[
                "Wet summer leaves farmers short of silage",
                "Do a fodder budget now, Teagasc tells farmers in the west",
            ],
            standfirsts=[
                "Teagasc advises farmers to do a fodder budget now and to "
                "consider buying in feed before prices rise.",
                "Many farms managed only one cut this year, and some are already "
                "feeding winter stocks.",
            ],
            paragraphs=[
                "Many farms in the west managed only one cut of silage this year, "
                "and some are already feeding winter stocks.",
                "Teagasc advisers say a fodder budget, done now, gives time to "
                "sell stock or buy feed before prices rise.",
                "Meal prices have eased since last spring, which will help.",
            ],
            quotes=[
                "We can manage a bad year. What we cannot manage is not knowing "
                "the rules from one year to the next",
            ],
            speakers=["a suckler farmer near {town}"],
            subheads=["The fodder gap", "What farmers can do"],
            tags=["Weather", "Beef", "Dairy"],
            kinds=["news", "analysis"],
            link=("https://www.teagasc.ie/", "Teagasc"),
            scenes=["fields", "hills"],
        ),
        Topic(
            headlines=[
                "Nitrates derogation decision worries {county} dairy farmers",
                "Smaller dairy herds in {county} could be forced out, IFA warns",
            ],
            standfirsts=[
                "Farmers in {county} say the decision could force some smaller "
                "herds out of dairying.",
                "About {count} farms in the county rely on the derogation to keep "
                "their current stocking rate.",
            ],
            paragraphs=[
                "About {count} farms in {county} are covered by the derogation, "
                "which allows higher stocking rates.",
                "Reducing numbers would cost a typical family farm several "
                "thousand euro a year, the IFA said.",
                "The Department of Agriculture said water quality in the region "
                "had improved and that it would make that case in Brussels.",
            ],
            quotes=[
                "We can manage a bad year. What we cannot manage is not knowing "
                "the rules from one year to the next",
            ],
            speakers=["a dairy farmer near {town}"],
            subheads=["What is at stake", "The case in Brussels"],
            tags=["Dairy", "Environment", "Europe"],
            kinds=["news", "analysis"],
            link=("https://www.gov.ie/en/", "the Department of Agriculture"),
            scenes=["fields"],
        ),
    ],
}

# Which desk writes for which section, and how often each section publishes.
SECTION_DESKS = {
    "news": ["news"],
    "opinion": ["opinion"],
    "business": ["business"],
    "sport": ["sport"],
    "culture": ["culture"],
    "lifestyle": ["lifestyle"],
    "farming": ["farming"],
}
SECTION_WEIGHTS = {
    "news": 34,
    "opinion": 12,
    "business": 14,
    "sport": 18,
    "culture": 9,
    "lifestyle": 8,
    "farming": 5,
}
CORRECTIONS = [
    "An earlier version of this article gave the wrong figure for the number of "
    "homes. It is {count}, not {wrong}.",
    "An earlier version of this article misspelt the name of {name}. We apologise "
    "for the error.",
    "This article originally said the meeting took place on {weekday}. It took "
    "place the day before.",
]


# The picture pool: drawn scenes, each in a few colour schemes.
@dataclass(frozen=True)
class Scene:
    key: str
    alt: str
    caption: str


SCENES = [
    Scene(
        "harbour",
        "Illustration of fishing boats moored in a harbour under a {sky} sky",
        "Boats in the harbour, {time}.",
    ),
    Scene(
        "hills",
        "Illustration of layered {land} hills beneath a {sky} sky with a low sun",
        "The hills above the town, {time}.",
    ),
    Scene(
        "town",
        "Illustration of a row of town buildings with lit windows under a {sky} sky",
        "Main street, {time}.",
    ),
    Scene(
        "pitch",
        "Illustration of a {land} playing pitch with white lines and goalposts",
        "The pitch before throw-in, {time}.",
    ),
    Scene(
        "chart",
        "Illustration of a rising bar chart with a {accent} trend line",
        "The figures, charted.",
    ),
    Scene(
        "stage",
        "Illustration of a theatre stage between red curtains under {accent} "
        "spotlights",
        "The stage before curtain up.",
    ),
    Scene(
        "fields",
        "Illustration of a patchwork of {land} fields divided by stone walls",
        "Fields near the coast, {time}.",
    ),
    Scene(
        "table",
        "Illustration of plates and glasses on a dark {accent} table, seen from above",
        "A table set for dinner.",
    ),
]
PALETTES = [
    {
        "name": "dawn",
        "sky": ((250, 205, 160), (120, 150, 200)),
        "sky_word": "pale dawn",
        "land": (70, 110, 70),
        "land_word": "green",
        "accent": (200, 60, 50),
        "accent_word": "red",
        "dark": (40, 50, 70),
        "time": "early morning",
    },
    {
        "name": "noon",
        "sky": ((120, 180, 230), (210, 235, 250)),
        "sky_word": "clear blue",
        "land": (95, 140, 60),
        "land_word": "bright green",
        "accent": (240, 180, 40),
        "accent_word": "yellow",
        "dark": (30, 60, 90),
        "time": "midday",
    },
    {
        "name": "dusk",
        "sky": ((60, 40, 90), (230, 120, 80)),
        "sky_word": "purple and orange evening",
        "land": (60, 70, 50),
        "land_word": "dark",
        "accent": (250, 210, 120),
        "accent_word": "gold",
        "dark": (25, 25, 40),
        "time": "evening",
    },
]


@dataclass
class DemoImage:
    key: str
    alt_text: str
    caption: str
    scene: str
    palette: dict

    def draw(self, width=1600, height=900):
        """The picture as JPEG bytes, drawn from the scene and palette."""
        return draw_scene(self.scene, self.palette, self.key, width, height)


def image_pool():
    """The ~24 pictures every demo article draws its lead image from."""
    pool = []
    for scene in SCENES:
        for palette in PALETTES:
            words = {
                "sky": palette["sky_word"],
                "land": palette["land_word"],
                "time": palette["time"],
                "accent": palette["accent_word"],
            }
            pool.append(
                DemoImage(
                    key=f"demo-{scene.key}-{palette['name']}",
                    alt_text=scene.alt.format(**words),
                    caption=scene.caption.format(**words),
                    scene=scene.key,
                    palette=palette,
                )
            )
    return pool


def _vertical_gradient(draw, box, top, bottom):
    x0, y0, x1, y1 = box
    span = max(1, y1 - y0)
    for y in range(y0, y1):
        t = (y - y0) / span
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(x0, y), (x1, y)], fill=colour)


def _shade(colour, factor):
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


def draw_scene(scene, palette, seed, width, height):
    """Draw one flat-colour illustration and return it as JPEG bytes."""
    rng = random.Random(seed)
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    top, bottom = palette["sky"]
    land, accent, dark = palette["land"], palette["accent"], palette["dark"]
    horizon = int(height * rng.uniform(0.55, 0.68))
    if scene in {"chart", "stage", "table"}:
        _vertical_gradient(draw, (0, 0, width, height), _shade(top, 0.9), bottom)
    else:
        _vertical_gradient(draw, (0, 0, width, horizon), top, bottom)
        sun_x, sun_r = rng.randint(200, width - 200), rng.randint(50, 90)
        sun_y = horizon - rng.randint(120, 260)
        draw.ellipse(
            (sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=accent
        )
    if scene == "harbour":
        _vertical_gradient(
            draw, (0, horizon, width, height), _shade(bottom, 0.7), _shade(dark, 1.2)
        )
        draw.rectangle((0, horizon + 80, width // 3, horizon + 110), fill=dark)
        for _ in range(rng.randint(4, 7)):
            x = rng.randint(80, width - 200)
            y = rng.randint(horizon + 130, height - 60)
            size = rng.randint(60, 120)
            draw.polygon(
                [
                    (x, y),
                    (x + 2 * size, y),
                    (x + int(1.7 * size), y + size // 2),
                    (x + size // 3, y + size // 2),
                ],
                fill=_shade(accent, rng.uniform(0.6, 1.0)),
            )
            draw.line([(x + size, y), (x + size, y - 2 * size)], fill=dark, width=6)
            draw.polygon(
                [
                    (x + size + 6, y - 2 * size),
                    (x + size + 6, y - 10),
                    (x + int(1.8 * size), y - 10),
                ],
                fill=(245, 240, 230),
            )
    elif scene in {"hills", "fields", "pitch"}:
        for layer in range(4):
            base = horizon + layer * (height - horizon) // 4
            points = [(0, height)]
            for x in range(0, width + 200, 200):
                points.append((x, base - rng.randint(0, 90)))
            points.append((width, height))
            draw.polygon(points, fill=_shade(land, 0.7 + layer * 0.15))
        if scene == "fields":
            for _ in range(14):
                x0 = rng.randint(0, width)
                draw.line(
                    [(x0, horizon + 40), (x0 + rng.randint(-300, 300), height)],
                    fill=(200, 200, 190),
                    width=7,
                )
            for _ in range(6):
                y0 = rng.randint(horizon + 60, height - 20)
                draw.line(
                    [(0, y0), (width, y0 + rng.randint(-80, 80))],
                    fill=(200, 200, 190),
                    width=6,
                )
        if scene == "pitch":
            draw.rectangle((0, horizon + 60, width, height), fill=_shade(land, 1.1))
            for x in range(0, width, 160):
                draw.rectangle(
                    (x, horizon + 60, x + 80, height), fill=_shade(land, 1.2)
                )
            draw.line(
                [(0, horizon + 200), (width, horizon + 200)], fill="white", width=6
            )
            draw.line(
                [(width // 2, horizon + 60), (width // 2, height)],
                fill="white",
                width=6,
            )
            for post_x in (width // 2 - 90, width // 2 + 90):
                draw.line(
                    [(post_x, horizon + 60), (post_x, horizon - 260)],
                    fill="white",
                    width=10,
                )
            draw.line(
                [(width // 2 - 90, horizon - 40), (width // 2 + 90, horizon - 40)],
                fill="white",
                width=10,
            )
    elif scene == "town":
        draw.rectangle((0, horizon, width, height), fill=_shade(dark, 1.3))
        x = 0
        while x < width:
            w, h = rng.randint(140, 260), rng.randint(220, 420)
            colour = _shade(accent, rng.uniform(0.45, 0.95))
            draw.rectangle((x, horizon - h, x + w, horizon + 40), fill=colour)
            draw.polygon(
                [
                    (x - 10, horizon - h),
                    (x + w // 2, horizon - h - 70),
                    (x + w + 10, horizon - h),
                ],
                fill=dark,
            )
            for wy in range(horizon - h + 40, horizon - 40, 90):
                for wx in range(x + 25, x + w - 40, 70):
                    lit = rng.random() < 0.6
                    draw.rectangle(
                        (wx, wy, wx + 36, wy + 50),
                        fill=(250, 230, 150) if lit else _shade(dark, 1.5),
                    )
            x += w + rng.randint(0, 20)
    elif scene == "chart":
        count = rng.randint(6, 9)
        slot = (width - 300) // count
        level = rng.randint(80, 160)
        for i in range(count):
            level += rng.randint(10, 70)
            x0 = 180 + i * slot
            draw.rectangle(
                (x0, height - 120 - level, x0 + slot - 40, height - 120),
                fill=_shade(dark, 1.0 + 0.1 * (i % 3)),
            )
        draw.line(
            [(150, 80), (150, height - 120), (width - 80, height - 120)],
            fill=dark,
            width=8,
        )
        draw.line([(180, height - 220), (width - 140, 180)], fill=accent, width=12)
    elif scene == "stage":
        draw.rectangle((0, height - 220, width, height), fill=_shade(dark, 1.6))
        for cx in (width // 3, 2 * width // 3, width // 2):
            r = rng.randint(180, 260)
            draw.ellipse(
                (cx - r, height - 300 - r // 3, cx + r, height - 300 + r // 3),
                fill=_shade(accent, 1.1),
            )
        draw.rectangle((0, 0, 260, height), fill=(140, 20, 35))
        draw.rectangle((width - 260, 0, width, height), fill=(140, 20, 35))
        draw.rectangle((0, 0, width, 90), fill=(120, 15, 30))
    elif scene == "table":
        draw.rectangle((0, 0, width, height), fill=_shade(accent, 0.55))
        for _ in range(rng.randint(4, 6)):
            cx, cy = rng.randint(200, width - 200), rng.randint(180, height - 180)
            r = rng.randint(110, 160)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(245, 245, 240))
            draw.ellipse(
                (cx - r // 2, cy - r // 2, cx + r // 2, cy + r // 2),
                fill=_shade(land, rng.uniform(0.9, 1.4)),
            )
            gx, gy = cx + r + 40, cy - r
            draw.ellipse((gx - 40, gy - 40, gx + 40, gy + 40), outline=dark, width=8)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()


# Articles.


@dataclass
class DemoArticle:
    index: int
    title: str
    slug: str
    standfirst: str
    body: str
    kind: str
    section: str
    status: str
    published_at: object
    written_at: object
    bylines: list  # (author slug, role)
    tags: list
    scene: str | None
    correction: tuple | None  # (text, corrected_at)


def _other(pool, *taken):
    return lambda rng, slots: rng.choice(
        [item for item in pool if item not in {slots[key] for key in taken}]
    )


def _pick(pool):
    return lambda rng, slots: rng.choice(pool)


def _between(low, high):
    return lambda rng, slots: rng.randint(low, high)


# How each {slot} in the templates gets its value.
SLOT_MAKERS = {
    "town": _pick(TOWNS),
    "town2": _other(TOWNS, "town"),
    "court_town": _pick(["Galway", "Ennis", "Castlebar", "Tuam"]),
    "county": _pick(COUNTIES),
    "team": _pick(COUNTY_TEAMS),
    "team2": _other(COUNTY_TEAMS, "team"),
    "team3": _other(COUNTY_TEAMS, "team", "team2"),
    "rugby_team": _pick(RUGBY_TEAMS),
    "soccer_team": _pick(SOCCER_TEAMS),
    "place": _pick(["third", "fourth", "fifth", "sixth"]),
    "decade": _pick([20, 30, 40, 50, 60]),
    "play": _pick(PLAYS),
    "book": _pick(BOOKS),
    "venue": _pick(VENUES),
    "restaurant": _pick(RESTAURANTS),
    "name": lambda rng, slots: f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
    "weekday": _pick(WEEKDAYS),
    "count": _between(12, 480),
    "count2": _between(500, 1400),
    "wrong": _between(12, 480),
    "money": lambda rng, slots: f"{rng.randint(12, 450) / 10:.1f}",
    "small_money": _pick([250, 400, 600, 750, 1200]),
    "pct": _between(3, 24),
    "year": lambda rng, slots: slots.reference_year + rng.randint(1, 3),
    "n": _between(3, 9),
    "age": _between(19, 67),
    "edition": _between(11, 19),
    "hours": _pick(["two", "three", "four"]),
    "road": _pick([17, 18, 59, 84, 85, 63]),
    "km": _between(8, 40),
    "votes": lambda rng, slots: f"{rng.randint(18, 27)} to {rng.randint(4, 12)}",
    "rent": _pick([1450, 1600, 1750, 1900, 2100]),
    "price": _between(240, 420),
    "occupancy": _between(71, 93),
    "odds": _between(4, 20),
    "bill": _between(95, 180),
    "per_kg": lambda rng, slots: f"{rng.randint(330, 420) / 100:.2f}",
    "low": _between(700, 1100),
    "high": lambda rng, slots: slots["low"] + rng.randint(300, 700),
    "high2": lambda rng, slots: slots["low"] + rng.randint(800, 1300),
    "lamb": _between(120, 175),
}


class Slots(dict):
    """An article's slot values, drawn from its generator the first time used."""

    def __init__(self, rng, reference_year):
        super().__init__()
        self.rng = rng
        self.reference_year = reference_year

    def __missing__(self, key):
        value = self[key] = SLOT_MAKERS[key](self.rng, self)
        return value


def _sentence(template, slots):
    return html.escape(template.format_map(slots), quote=False)


def article_body(rng, topic, slots):
    """Paragraphs, a subheading, a quotation and a link, as clean HTML."""
    # Paragraphs keep their order (the lede first); quotes and subheads vary.
    paragraphs = [_sentence(p, slots) for p in topic.paragraphs]
    first, rest = paragraphs[0], paragraphs[1:]
    quotes = [_sentence(q, slots) for q in topic.quotes]
    rng.shuffle(quotes)
    parts = [f"<p>{first}</p>"]
    if not topic.speakers:
        # A columnist's own line, pulled out.
        pulled = f"<blockquote><p>{quotes[0]}.</p></blockquote>"
    else:
        speaker = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        role = _sentence(rng.choice(topic.speakers), slots)
        if role.startswith(("Inspector ", "Sergeant ")):
            speaker, role = role, f" of {slots['town']} Garda station"
        else:
            role = f", {role}"
        if len(quotes) > 1:
            parts.append(f"<p>“{quotes.pop()},” said {speaker}{role}.</p>")
            pulled = f"<blockquote><p>“{quotes[0]}.”</p></blockquote>"
        else:
            pulled = (
                f"<blockquote><p>“{quotes[0]}.”</p><p>{speaker}{role}</p></blockquote>"
            )
    middle = len(rest) // 2
    parts.extend(f"<p>{p}</p>" for p in rest[:middle])
    parts.append(f"<h2>{_sentence(rng.choice(topic.subheads), slots)}</h2>")
    parts.append(pulled)
    parts.extend(f"<p>{p}</p>" for p in rest[middle:])
    url, label = topic.link
    parts.append(
        f'<p>More information is available from <a href="{url}">'
        f"{html.escape(label, quote=False)}</a>.</p>"
    )
    return "".join(parts)


def _pick_bylines(rng, section, kind, desks):
    """One to three names in order, with the part each played."""
    writers = desks[SECTION_DESKS[section][0]]
    first = rng.choice(writers)
    if section == "opinion":
        bylines = [(first, "writer")]
        if first.name == "Jean-Marc Perrot" or rng.random() < 0.08:
            bylines.append((rng.choice(desks["translator"]), "translator"))
        return bylines
    role = {
        "news": "reporter",
        "analysis": "correspondent",
        "review": "writer",
        "feature": "writer",
    }[kind]
    bylines = [(first, role)]
    roll = rng.random()
    if roll < 0.12 and kind == "news":
        bylines.append((desks["agency"][0], "agency"))
    elif roll < 0.30:
        others = [a for a in writers if a != first]
        if others:
            bylines.append((rng.choice(others), role))
    if kind in {"feature", "review"} or rng.random() < 0.15:
        bylines.append((rng.choice(desks["photo"]), "photographer"))
    return bylines[:3]


def _status(index):
    """A few drafts, pieces in review and scheduled ones among the live ones."""
    slot = index % 50
    if slot in {7, 29}:
        return "draft"
    if slot in {17, 38}:
        return "review"
    if slot == 3:
        return "scheduled"
    return "published"


def span_days(count):
    """How far back the archive goes: a few months, longer for big runs."""
    return max(120, count // 40)


def generate_articles(count, reference, skip=frozenset()):
    """
    Yield `count` DemoArticles, newest first, identical on every call with the
    same arguments. `reference` is the moment the archive is anchored to.
    Articles whose slug is in `skip` are left out before their body is written.
    """
    desks = {}
    for author in AUTHORS:
        desks.setdefault(author.desk, []).append(author)
    sections = list(SECTION_WEIGHTS)
    weights = list(SECTION_WEIGHTS.values())
    span = timedelta(days=span_days(count))
    seen_slugs, seen_titles, uses = set(), set(), {}
    for index in range(count):
        rng = random.Random(f"{SEED}:{index}")
        # A paper rarely runs the same headline twice: draw again (a few
        # times, from the same seeded generator) when this one has been used.
        for _ in range(12):
            section = "news" if index == 0 else rng.choices(sections, weights)[0]
            topic = rng.choice(TOPICS[section])
            slots = Slots(rng, reference.year)
            title = rng.choice(topic.headlines).format_map(slots)
            if title not in seen_titles:
                break
        seen_titles.add(title)
        kind = rng.choice(topic.kinds)
        standfirst = rng.choice(topic.standfirsts).format_map(slots)
        bylines = _pick_bylines(rng, section, kind, desks)
        if section == "opinion":
            standfirst = f"{standfirst.rstrip('.')}, writes {bylines[0][0].name}."
        base = slugify(title)[:240]
        # A headline seen before gets the next free number: base-2, base-3, …
        slug, suffix = base, uses.get(base, 1)
        while slug in seen_slugs:
            suffix += 1
            slug = f"{base}-{suffix}"
        uses[base] = suffix
        seen_slugs.add(slug)
        if slug in skip:
            continue
        status = _status(index)
        age = span * (index + rng.random()) / count + timedelta(minutes=20)
        if status == "scheduled":
            published_at = reference + timedelta(hours=rng.randint(2, 72))
            written_at = reference - timedelta(hours=rng.randint(1, 8))
            status = "published"
        elif status == "published":
            published_at = reference - age
            written_at = published_at - timedelta(minutes=rng.randint(30, 300))
        else:
            published_at = None
            written_at = reference - age
        correction = None
        if status == "published" and index % 60 == 11:
            corrected_at = published_at + timedelta(hours=rng.randint(2, 30))
            correction = (
                rng.choice(CORRECTIONS).format_map(slots),
                min(corrected_at, reference),
            )
        yield DemoArticle(
            index=index,
            title=title,
            slug=slug,
            standfirst=standfirst,
            body=article_body(rng, topic, slots),
            kind=kind,
            section=section,
            status=status,
            published_at=published_at,
            written_at=written_at,
            bylines=[(author.slug, role) for author, role in bylines],
            tags=rng.sample(topic.tags, rng.randint(1, min(3, len(topic.tags)))),
            scene=rng.choice(topic.scenes) if rng.random() < 0.85 else None,
            correction=correction,
        )
