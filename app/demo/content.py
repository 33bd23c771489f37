"""Demo content for Broadsheet.

All prose in this module (standfirsts, paragraphs, table explanations, timeline text, bios and
descriptions) is original demo copy written for Broadsheet. Facts, figures, dates, names and headline
titles are taken from the seed news page used to build the demo data set; short quotations are the
officials' own words as reported there.
"""

from typing import Any

CATEGORIES: list[dict[str, Any]] = [
    {
        "slug": "world-politics",
        "name": "World & Politics",
        "description": "Diplomacy, security and the decisions shaping relations between governments.",
        "position": 0,
    },
    {
        "slug": "fintech-finance",
        "name": "Fintech & Finance",
        "description": "Money, cards, payments and the technology changing how we bank.",
        "position": 1,
    },
    {
        "slug": "sustainability-living",
        "name": "Sustainability & Living",
        "description": "Practical ideas and big debates about living well on a warming planet.",
        "position": 2,
    },
    {
        "slug": "gaming",
        "name": "Gaming",
        "description": "Hardware, releases and competitive play for people who take their games seriously.",
        "position": 3,
    },
    {
        "slug": "business-marketing",
        "name": "Business & Marketing",
        "description": "Growth, tools and strategy for founders, marketers and small teams.",
        "position": 4,
    },
    {
        "slug": "technology-ai",
        "name": "Technology & AI",
        "description": "Software, cloud services and artificial intelligence explained without the hype.",
        "position": 5,
    },
    {
        "slug": "fitness-wellness",
        "name": "Fitness & Wellness",
        "description": "Habits for a healthier body and a calmer mind.",
        "position": 6,
    },
]

AUTHORS: list[dict[str, Any]] = [
    {
        "slug": "mina-park",
        "name": "Mina Park",
        "bio": "Mina Park is Broadsheet’s Northeast Asia correspondent, covering the Korean Peninsula, "
        "Japan and regional security from Seoul.",
    },
    {
        "slug": "daniel-okafor",
        "name": "Daniel Okafor",
        "bio": "Daniel Okafor is Broadsheet’s personal-finance editor. He writes about credit, payments "
        "and making everyday money decisions a little less painful.",
    },
    {
        "slug": "priya-raman",
        "name": "Priya Raman",
        "bio": "Priya Raman is Broadsheet’s technology editor, focusing on cloud software, developer "
        "tools and the practical side of AI.",
    },
    {
        "slug": "lena-hart",
        "name": "Lena Hart",
        "bio": "Lena Hart writes about wellbeing, sustainability and everyday living for Broadsheet, "
        "with a soft spot for habits that actually stick.",
    },
    {
        "slug": "tomas-reyes",
        "name": "Tomas Reyes",
        "bio": "Tomas Reyes covers gaming hardware, esports and small-business tools for Broadsheet.",
    },
]

TAGS: list[dict[str, Any]] = [
    {"slug": "north-korea", "name": "North Korea"},
    {"slug": "russia", "name": "Russia"},
    {"slug": "diplomacy", "name": "Diplomacy"},
    {"slug": "sanctions", "name": "Sanctions"},
    {"slug": "kim-jong-un", "name": "Kim Jong Un"},
    {"slug": "vladimir-putin", "name": "Vladimir Putin"},
    {"slug": "treaties", "name": "Treaties"},
    {"slug": "credit-cards", "name": "Credit Cards"},
    {"slug": "personal-finance", "name": "Personal Finance"},
    {"slug": "stablecoins", "name": "Stablecoins"},
    {"slug": "crypto", "name": "Crypto"},
    {"slug": "fintech", "name": "Fintech"},
    {"slug": "travel", "name": "Travel"},
    {"slug": "ai", "name": "AI"},
    {"slug": "climate", "name": "Climate"},
    {"slug": "sustainability", "name": "Sustainability"},
    {"slug": "renewable-energy", "name": "Renewable Energy"},
    {"slug": "pc-gaming", "name": "PC Gaming"},
    {"slug": "controllers", "name": "Controllers"},
    {"slug": "game-remakes", "name": "Game Remakes"},
    {"slug": "vr", "name": "VR"},
    {"slug": "esports", "name": "Esports"},
    {"slug": "education", "name": "Education"},
    {"slug": "digital-marketing", "name": "Digital Marketing"},
    {"slug": "entrepreneurship", "name": "Entrepreneurship"},
    {"slug": "social-media", "name": "Social Media"},
    {"slug": "saas", "name": "SaaS"},
    {"slug": "cloud-storage", "name": "Cloud Storage"},
    {"slug": "productivity", "name": "Productivity"},
    {"slug": "blockchain", "name": "Blockchain"},
    {"slug": "hr-tech", "name": "HR Tech"},
    {"slug": "mindset", "name": "Mindset"},
    {"slug": "mental-health", "name": "Mental Health"},
    {"slug": "sleep", "name": "Sleep"},
    {"slug": "digital-wellbeing", "name": "Digital Wellbeing"},
]

ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "kim-jong-un-new-year-greetings-putin-blood-alliance",
        "title": "Kim Jong un Sends New Year Greetings to Putin, Calling DPRK-Russia Ties a “Blood” Alliance",
        "focus_keyword": "kim jong un sends new year greetings to putin",
        "standfirst": "North Korea’s leader used a Dec. 27 holiday message to Vladimir Putin to cast the "
        "two countries as a “blood” alliance, promising to stand together through 2026 as "
        "both governments showcase their military ties and the treaty they signed in 2024.",
        "category": "world-politics",
        "tags": [
            "north-korea",
            "russia",
            "diplomacy",
            "sanctions",
            "kim-jong-un",
            "vladimir-putin",
            "treaties",
        ],
        "authors": ["mina-park"],
        "published_at": "2025-12-28T08:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/kim-jong-un-new-year-greetings-putin-blood-alliance.jpg",
            "alt": "Flags of North Korea and Russia displayed side by side at an official ceremony",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "heading",
                "text": "What Kim’s message to Putin revealed, and why the wording matters?",
                "level": 2,
            },
            {
                "type": "paragraph",
                "html": "On Saturday, Dec. 27, Kim Jong Un sent Vladimir Putin his wishes for the "
                "coming year, addressing the Russian leader along with his government and "
                "the Russian people as 2026 gets under way. The text conveyed “the warmest "
                "and sincerest greeting of best wishes.”",
            },
            {
                "type": "paragraph",
                "html": "Holiday notes between Pyongyang and Moscow are an annual ritual. What set "
                "this one apart was its vocabulary. Kim spoke of an alliance “sharing blood, "
                "life and death in the same trench,” and called the ties a “precious common "
                "asset” that the two sides should carry on “forever.”",
            },
            {
                "type": "paragraph",
                "html": "Words like these lift the relationship out of the register of protocol and "
                "into the language of war and survival. The intended audience is both "
                "domestic and foreign: Pyongyang wants the partnership to be seen as proven "
                "under fire and designed to endure.",
            },
            {
                "type": "paragraph",
                "html": "Kim also said 2025 had been “filled with immortal events” for the two "
                "countries. He did not name them, but officials in both capitals have spent "
                "the year tying the relationship ever more closely to battlefield "
                "cooperation and shared strategic goals.",
            },
            {
                "type": "table",
                "table": {
                    "title": "Public themes emphasized in the New Year exchange",
                    "caption": None,
                    "columns": [
                        {"key": "theme", "label": "Theme", "type": "text"},
                        {"key": "emphasized", "label": "What was emphasized", "type": "text"},
                        {"key": "significance", "label": "Why it stands out", "type": "text"},
                    ],
                    "rows": [
                        [
                            "“Blood” alliance language",
                            "Ties depicted as shared “blood, life and death”",
                            "Frames the bond in terms of sacrifice on the battlefield rather "
                            "than ordinary statecraft",
                        ],
                        [
                            "Permanence",
                            "The partnership presented as a lasting “common asset”",
                            "Indicates the cooperation will continue whatever critics abroad may say",
                        ],
                        [
                            "2025 as a turning point",
                            "The past year portrayed as a historic high point for the relationship",
                            "Underlines that recent cooperation is meant to last, not to serve as a gesture",
                        ],
                    ],
                },
            },
            {"type": "heading", "text": "Putin’s earlier greeting and the Kursk focus", "level": 2},
            {
                "type": "paragraph",
                "html": "Kim’s note answered one from the Kremlin. North Korean state media reported "
                "that Putin’s own greeting arrived on Dec. 18 and said 2025 held “special "
                "significance” for the two countries.",
            },
            {
                "type": "paragraph",
                "html": "Putin’s message stood out for naming Russia’s Kursk region. It commended "
                "North Korean soldiers for fighting there and credited the later work of a "
                "North Korean engineering unit on Russian soil with strengthening the "
                "“invincible friendship” and “militant fraternity” between the nations.",
            },
            {
                "type": "paragraph",
                "html": "Kursk has turned into a fixture of both governments’ public statements. "
                "Rather than speaking in generalities about support, officials keep pointing "
                "to specific cooperation on territory that Moscow regards as especially "
                "sensitive, strategically and politically.",
            },
            {
                "type": "paragraph",
                "html": "Russian regional officials have attached numbers to that work. A statement "
                "attributed to the governor of the Kursk region said North Korean sappers "
                "had demined close to 42,400 hectares and disposed of upwards of 1.5 million "
                "explosive devices, presenting the figures as proof of concrete help with "
                "rebuilding and with keeping civilians safe.",
            },
            {
                "type": "paragraph",
                "html": "Pyongyang, for its part, has publicised a ceremony welcoming the engineers "
                "home and admitted that some of those sent on the mission died. In a state "
                "that usually keeps a firm grip on wartime narratives, even a partial "
                "acknowledgement of losses is politically loaded. Seen together, these "
                "details explain the blunt imagery of Kim’s Dec. 27 message: the official "
                "story now presents the alliance as something that operates in the field, "
                "not merely on paper.",
            },
            {"type": "heading", "text": "The 2024 treaty and how it reshaped the relationship?", "level": 2},
            {
                "type": "paragraph",
                "html": "Behind the holiday messages sits a formal agreement. In 2024 Kim hosted "
                "Putin in Pyongyang, where the two leaders signed a comprehensive strategic "
                "partnership treaty.",
            },
            {
                "type": "paragraph",
                "html": "Most coverage has centred on its mutual assistance clause. As publicly "
                "described, each side undertakes to consult and provide help if the other is "
                "attacked and finds itself at war, with the text pointing to the "
                "self-defence provisions of the UN Charter.",
            },
            {
                "type": "paragraph",
                "html": "The clause serves both governments in two ways. It offers a ready "
                "justification whenever leaders celebrate military cooperation, recasting "
                "individual deployments as the execution of a signed agreement. And it "
                "strengthens deterrence: however outsiders read its precise reach, the "
                "treaty lets Moscow and Pyongyang hint that their coordination would deepen, "
                "not fade, in a crisis.",
            },
            {
                "type": "paragraph",
                "html": "The agreement also suited each side’s needs at the time. A long war has "
                "strained Russia’s arsenals and supply chains, while North Korea’s economy "
                "remains hemmed in by sanctions over its nuclear and missile programmes. "
                "Closer ties promise both of them diplomatic backing, material help and "
                "extra leverage, even as they draw more attention from the rest of the "
                "world.",
            },
            {
                "type": "timeline",
                "timeline": {
                    "slug": "dprk-russia-ties-key-milestones",
                    "title": "Timeline of key milestones shaping DPRK–Russia ties",
                    "description": "Five moments, from the end of the UN sanctions panel to "
                    "the 2025 New Year messages, that have defined how "
                    "Pyongyang and Moscow present their partnership.",
                    "events": [
                        {
                            "date": "2024-03-28",
                            "precision": "day",
                            "end_date": None,
                            "extra_dates": [],
                            "label": "March 28, 2024",
                            "milestone": "A Russian veto stops the UN Security Council "
                            "from renewing the expert panel that monitored "
                            "DPRK sanctions",
                            "what_changed": "The council lost its main fact-finding "
                            "body on North Korea sanctions, and calls "
                            "grew for monitoring to continue by other "
                            "means",
                            "links": [],
                        },
                        {
                            "date": "2024-06-19",
                            "precision": "day",
                            "end_date": None,
                            "extra_dates": [],
                            "label": "June 19, 2024",
                            "milestone": "Kim and Putin put their names to a "
                            "comprehensive strategic partnership treaty "
                            "during a summit in Pyongyang",
                            "what_changed": "Gave both governments a formal legal "
                            "framework that they now invoke again and "
                            "again in official statements",
                            "links": [],
                        },
                        {
                            "date": "2024-10-01",
                            "precision": "month",
                            "end_date": None,
                            "extra_dates": [],
                            "label": "October 2024",
                            "milestone": "Several states set up a multilateral "
                            "mechanism to keep tracking sanctions "
                            "compliance",
                            "what_changed": "Monitoring work moved outside the UN "
                            "system now that the expert panel no longer "
                            "existed",
                            "links": [],
                        },
                        {
                            "date": "2025-05-29",
                            "precision": "day",
                            "end_date": None,
                            "extra_dates": [],
                            "label": "May 29, 2025",
                            "milestone": "The new mechanism publishes its first report",
                            "what_changed": "Pulled claims about arms transfers, troop "
                            "training and deployment-linked cooperation "
                            "together in a single document",
                            "links": [],
                        },
                        {
                            "date": "2025-12-18",
                            "precision": "day",
                            "end_date": None,
                            "extra_dates": ["2025-12-27"],
                            "label": "Dec. 18 & Dec. 27, 2025",
                            "milestone": "Putin and Kim trade New Year messages that "
                            "mention Kursk and describe a “blood” alliance",
                            "what_changed": "Shows both capitals are now ready to claim "
                            "the partnership openly as they head into "
                            "2026",
                            "links": ["kim-jong-un-new-year-greetings-putin-blood-alliance"],
                        },
                    ],
                },
                "table": {
                    "title": "Timeline of key milestones shaping DPRK–Russia ties",
                    "caption": "Compiled by Broadsheet from public statements, UN records and "
                    "published monitoring reports.",
                    "columns": [
                        {"key": "date", "label": "Date", "type": "text"},
                        {"key": "milestone", "label": "Milestone", "type": "text"},
                        {"key": "change", "label": "What changed", "type": "text"},
                    ],
                    "rows": [
                        [
                            "March 28, 2024",
                            "A Russian veto stops the UN Security Council from renewing the "
                            "expert panel that monitored DPRK sanctions",
                            "The council lost its main fact-finding body on North Korea "
                            "sanctions, and calls grew for monitoring to continue by other "
                            "means",
                        ],
                        [
                            "June 19, 2024",
                            "Kim and Putin put their names to a comprehensive strategic "
                            "partnership treaty during a summit in Pyongyang",
                            "Gave both governments a formal legal framework that they now "
                            "invoke again and again in official statements",
                        ],
                        [
                            "October 2024",
                            "Several states set up a multilateral mechanism to keep tracking "
                            "sanctions compliance",
                            "Monitoring work moved outside the UN system now that the expert "
                            "panel no longer existed",
                        ],
                        [
                            "May 29, 2025",
                            "The new mechanism publishes its first report",
                            "Pulled claims about arms transfers, troop training and "
                            "deployment-linked cooperation together in a single document",
                        ],
                        [
                            "Dec. 18 & Dec. 27, 2025",
                            "Putin and Kim trade New Year messages that mention Kursk and "
                            "describe a “blood” alliance",
                            "Shows both capitals are now ready to claim the partnership "
                            "openly as they head into 2026",
                        ],
                    ],
                },
            },
            {"type": "heading", "text": "Sanctions scrutiny and the key claims being examined", "level": 2},
            {
                "type": "paragraph",
                "html": "North Korea remains subject to a wide body of UN Security Council sanctions "
                "imposed over its nuclear weapons and ballistic missile development. They "
                "cover arms deals, military cooperation and many forms of trade and finance, "
                "so any deepening of its ties with Russia is judged first of all on whether "
                "it respects those rules.",
            },
            {
                "type": "paragraph",
                "html": "The machinery for checking compliance has changed. In March 2024 the "
                "Security Council did not extend the Panel of Experts that supported its "
                "North Korea sanctions committee. A group of states answered by building "
                "their own mechanism to track and document suspected breaches, and in May "
                "2025 it published its first major report, devoted to alleged illicit "
                "military cooperation between Pyongyang and Moscow.",
            },
            {
                "type": "paragraph",
                "html": "The report’s executive summary lists claims of arms and related materiel "
                "moving along several routes, of training linked to troop deployments, and "
                "of further connections involving fuel and money. It dates the dispatch of "
                "North Korean troops to late 2024 and notes that both governments "
                "acknowledged North Korea’s military support during 2025.",
            },
            {
                "type": "paragraph",
                "html": "Moscow and Pyongyang deny violating sanctions and describe their dealings "
                "as lawful cooperation between sovereign states. The dispute shows no sign "
                "of cooling, however, because the claims concern weapons shipments, soldiers "
                "at the front and the possible sharing of sensitive technology.",
            },
            {"type": "heading", "text": "What monitoring efforts are alleging at a high level?", "level": 2},
            {
                "type": "paragraph",
                "html": "Stripped to essentials, the claims now circulating among monitoring "
                "governments fall into four broad areas. The summary below condenses each "
                "one and notes why it carries weight beyond the two countries directly "
                "involved.",
            },
            {
                "type": "table",
                "table": {
                    "title": "What monitoring efforts are alleging at a high level",
                    "caption": "Summarised by Broadsheet; Russia and North Korea reject the allegations.",
                    "columns": [
                        {"key": "area", "label": "Area under scrutiny", "type": "text"},
                        {"key": "allegation", "label": "Core allegation (summary)", "type": "text"},
                        {"key": "significance", "label": "Why it matters", "type": "text"},
                    ],
                    "rows": [
                        [
                            "Weapons and materiel",
                            "Munitions and weapon systems allegedly shipped between the two countries",
                            "Would breach several UN bans on arms dealings with the DPRK",
                        ],
                        [
                            "Training and deployment",
                            "North Korean troops allegedly trained for operations linked to Russia",
                            "Raises the risk of escalation and tightens military integration between the two",
                        ],
                        [
                            "Fuel and finance",
                            "Claims touching on petroleum supply caps and the use of financial channels",
                            "Widens the concern from weapons to trade controls and their enforcement",
                        ],
                        [
                            "Technology risk",
                            "Fears that sensitive military or dual-use technology is being shared",
                            "Could shift regional security calculations and add to proliferation worries",
                        ],
                    ],
                },
            },
            {
                "type": "paragraph",
                "html": "This is the backdrop against which the New Year wording should be read. A "
                "purely ceremonial friendship would hardly justify a standing multilateral "
                "monitoring effort. Leaders who talk of “militant fraternity” and shared "
                "blood, though, are describing ties that foreign governments will inevitably "
                "treat as a security question rather than a diplomatic nicety.",
            },
            {"type": "heading", "text": "What to watch next as 2026 begins?", "level": 2},
            {
                "type": "paragraph",
                "html": "With his Dec. 27 message, Kim has set the tone for the year ahead: "
                "Pyongyang wants it understood that its alignment with Moscow is built to "
                "last, and it is comfortable describing that alignment in the vocabulary of "
                "war.",
            },
            {
                "type": "paragraph",
                "html": "Three factors are worth tracking. The first is how candid the two "
                "governments remain about military cooperation. Open talk can deter rivals, "
                "shore up legitimacy at home and strengthen a negotiating hand, but it also "
                "invites closer inspection and possibly new measures from enforcement-minded "
                "states.",
            },
            {
                "type": "paragraph",
                "html": "The second is whether fresh operational detail surfaces about deployments, "
                "engineering missions or logistics; hard numbers and confirmed activity "
                "usually move foreign governments more than rhetoric does. The third is how "
                "sanctions monitoring develops now that the UN panel is gone. Independent "
                "reports are likely to keep appearing, and capitals may lean on them to "
                "justify anything from diplomatic pressure to stricter enforcement.",
            },
            {
                "type": "paragraph",
                "html": "Nothing in the exchange amounted to a policy shift. Its significance lies "
                "in publicity: both capitals now present the relationship as a strategic "
                "partnership forged in wartime, and a bond that already weighs on security "
                "planning from the Korean Peninsula to Europe is being showcased rather than "
                "played down.",
            },
        ],
    },
    {
        "slug": "common-credit-card-mistakes-to-avoid-2026",
        "title": "10 Common Credit Card Mistakes to Avoid 2026 Explained",
        "focus_keyword": "common credit card mistakes to avoid 2026",
        "standfirst": "Most card trouble grows out of a handful of avoidable habits. Here is what to "
        "watch for before the new year’s statements start arriving.",
        "category": "fintech-finance",
        "tags": ["credit-cards", "personal-finance"],
        "authors": ["daniel-okafor"],
        "published_at": "2025-12-01T07:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/common-credit-card-mistakes-to-avoid-2026.jpg",
            "alt": "A stack of credit cards beside a printed monthly statement and a calculator",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {"type": "heading", "text": "Where cardholders slip up", "level": 2},
            {
                "type": "paragraph",
                "html": "Credit cards reward discipline and punish drift. The costliest errors are "
                "rarely dramatic; they are small habits repeated month after month, such as "
                "paying only the minimum, letting a promotional rate lapse unnoticed, or "
                "treating the credit limit as a spending target. Each one quietly raises the "
                "interest you pay and can weigh on your credit score.",
            },
            {
                "type": "list",
                "items": [
                    "Paying only the minimum amount due",
                    "Missing a payment date, even by a day or two",
                    "Using most of your available limit",
                    "Taking cash advances",
                    "Forgetting when a 0% introductory offer ends",
                    "Closing your oldest account without thinking it through",
                    "Applying for several cards in a short window",
                    "Overlooking annual and foreign transaction fees",
                    "Skipping statement checks for unfamiliar charges",
                    "Chasing rewards while carrying a balance",
                ],
                "ordered": True,
            },
            {
                "type": "paragraph",
                "html": "The fix is mostly automation and attention. Set up an automatic payment for "
                "at least the statement balance, add a calendar reminder a month before any "
                "promotional rate expires, and skim every statement line by line. Rewards "
                "are only worth pursuing once the balance is cleared in full each month.",
            },
        ],
    },
    {
        "slug": "stablecoins-you-can-trust-2026",
        "title": "5 Stablecoins You Can Actually Trust in 2026",
        "focus_keyword": "safest stablecoins 2026",
        "standfirst": "Not every token pegged to a currency deserves to be called stable. These are the "
        "tests that separate sturdy designs from fragile ones.",
        "category": "fintech-finance",
        "tags": ["stablecoins", "crypto"],
        "authors": ["daniel-okafor"],
        "published_at": "2025-12-07T09:45:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/stablecoins-you-can-trust-2026.jpg",
            "alt": "A smartphone showing a digital wallet balance next to a handful of coins",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {"type": "heading", "text": "What makes a stablecoin trustworthy", "level": 2},
            {
                "type": "paragraph",
                "html": "A stablecoin is only as sound as the assets and promises behind it. Before "
                "holding one, find out what backs each token, who looks after those reserves "
                "and how often an independent firm checks them. Coins fully backed by cash "
                "and short-dated government debt tend to hold up better under stress than "
                "designs that rely on algorithms or volatile collateral.",
            },
            {
                "type": "list",
                "items": [
                    "Reserve holdings published in detail",
                    "Regular attestations or audits by an independent accountant",
                    "A clear, well-tested redemption process",
                    "An issuer regulated in a recognised jurisdiction",
                    "Deep liquidity across several exchanges",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Even the strongest coin carries issuer, regulatory and technical risk, so "
                "treat stablecoins as a way to move or briefly park money rather than as a "
                "savings account. Spreading holdings across more than one issuer limits the "
                "damage if any single peg wobbles.",
            },
        ],
    },
    {
        "slug": "most-innovative-fintech-startups-2026-ai-defi",
        "title": "The 10 Most Innovative Fintech Startups of 2026: The AI & DeFi Revolution",
        "focus_keyword": "most innovative fintech startups",
        "standfirst": "Artificial intelligence and decentralised finance are shaping the next wave of "
        "financial start-ups. Here is how to judge which of them are genuinely new.",
        "category": "fintech-finance",
        "tags": ["fintech", "ai", "crypto"],
        "authors": ["daniel-okafor"],
        "published_at": "2025-12-13T11:30:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/most-innovative-fintech-startups-2026-ai-defi.jpg",
            "alt": "A small team gathered around laptops in a bright start-up office",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "The start-ups attracting attention this year tend to sit where two trends "
                "meet: machine learning applied to lending, fraud detection and customer "
                "service, and blockchain rails that promise faster, cheaper settlement. The "
                "pitch is familiar — do what banks do, only quicker — but the stronger "
                "companies pair the technology with a credible route through regulation.",
            },
            {
                "type": "paragraph",
                "html": "When sizing up a young fintech, look past the headline funding round. Ask "
                "whether it holds its own licences or rents them from a partner bank, how "
                "customer money is protected if the business fails, and whether its "
                "automated decisions can be explained to a regulator or to a rejected "
                "applicant.",
            },
            {
                "type": "paragraph",
                "html": "Innovation in finance is ultimately measured by unglamorous outcomes: fewer "
                "errors, lower fees and payments that arrive when promised. The firms that "
                "matter in 2026 will be those that make such outcomes routine, not those "
                "with the loudest launch.",
            },
        ],
    },
    {
        "slug": "best-alternatives-to-revolut-and-wise-2026",
        "title": "Top 5 Best Alternatives To Revolut And Wise In 2026",
        "focus_keyword": "best alternatives to revolut and wise",
        "standfirst": "Multi-currency accounts have become a crowded market. If the two best-known names "
        "don’t suit you, these are the features worth comparing.",
        "category": "fintech-finance",
        "tags": ["fintech", "travel"],
        "authors": ["daniel-okafor"],
        "published_at": "2025-12-19T13:15:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/best-alternatives-to-revolut-and-wise-2026.jpg",
            "alt": "Banknotes in several currencies spread out next to a payment card",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {"type": "heading", "text": "How to compare multi-currency accounts", "level": 2},
            {
                "type": "paragraph",
                "html": "Revolut and Wise popularised cheap currency conversion and cards that work "
                "smoothly abroad, but they no longer have the field to themselves. "
                "Traditional banks, digital challengers and specialist payment firms all "
                "offer similar accounts, and the right choice depends on where you send "
                "money, how much you move and whether you need business features.",
            },
            {
                "type": "list",
                "items": [
                    "The margin added to the mid-market exchange rate",
                    "Transfer fees on the routes you use most",
                    "How customer funds are safeguarded or insured",
                    "Limits on free cash withdrawals abroad",
                    "The quality and opening hours of customer support",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Send a small test transfer before committing. The quoted fee and the amount "
                "that actually reaches the recipient can differ, and one real transaction "
                "reveals more than any comparison chart.",
            },
        ],
    },
    {
        "slug": "best-cards-for-airport-lounge-access-2026",
        "title": "5 Best Cards for Airport Lounge Access in 2026",
        "focus_keyword": "credit cards for airport lounge access",
        "standfirst": "Lounge access is one of the most heavily marketed card perks. Whether it pays off "
        "depends on how often you fly and how you travel.",
        "category": "fintech-finance",
        "tags": ["credit-cards", "travel"],
        "authors": ["daniel-okafor"],
        "published_at": "2025-12-24T15:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/best-cards-for-airport-lounge-access-2026.jpg",
            "alt": "Travellers relaxing in armchairs inside a quiet airport lounge",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Lounge access usually comes bundled with premium cards that charge a "
                "substantial annual fee. The perk can be excellent value for someone who "
                "passes through an airport every month and a poor deal for someone who flies "
                "twice a year. Start by counting your realistic airport visits, not your "
                "aspirational ones.",
            },
            {
                "type": "paragraph",
                "html": "Read the small print on guests and networks. Some cards cover only the "
                "cardholder while others include a companion, and lounge networks vary "
                "widely from airport to airport. Check whether the lounges at your home "
                "airport and usual destinations are included, and whether visits are "
                "unlimited or capped.",
            },
            {
                "type": "paragraph",
                "html": "Finally, weigh the other benefits bundled into the fee, such as travel "
                "insurance or statement credits, and ignore any you would not use anyway. If "
                "the sums only work with some stretching, a no-fee card plus the occasional "
                "paid lounge pass may come out cheaper.",
            },
        ],
    },
    {
        "slug": "top-credit-monitoring-services-2026",
        "title": "Top 6 Credit Monitoring Services for 2026",
        "focus_keyword": "best credit monitoring services 2026",
        "standfirst": "Credit monitoring can flag identity theft early, but a paid plan is not always "
        "necessary. Here is what these services actually do.",
        "category": "fintech-finance",
        "tags": ["personal-finance", "credit-cards"],
        "authors": ["daniel-okafor"],
        "published_at": "2025-12-04T11:45:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/top-credit-monitoring-services-2026.jpg",
            "alt": "A laptop screen displaying a credit score dial and recent account alerts",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {"type": "heading", "text": "What you are paying for", "level": 2},
            {
                "type": "paragraph",
                "html": "Credit monitoring services watch your credit file and alert you when "
                "something changes, such as a new account, a hard inquiry or a sudden fall "
                "in your score. The sooner you learn about an account you never opened, the "
                "easier it is to dispute it and limit the damage.",
            },
            {
                "type": "paragraph",
                "html": "Free tools offered by card issuers and banks often cover the basics for a "
                "single credit bureau. Paid plans typically add coverage across several "
                "bureaus, identity-theft insurance and hands-on help restoring your records. "
                "Decide whether those extras justify a monthly fee in your situation.",
            },
            {
                "type": "paragraph",
                "html": "Monitoring is not protection in itself. A credit freeze, strong and unique "
                "passwords, and two-factor authentication on financial accounts do more to "
                "stop fraud before it starts; alerts simply tell you when those defences "
                "have been bypassed.",
            },
        ],
    },
    {
        "slug": "indigenous-knowledge-fighting-climate-change",
        "title": "The Role of Indigenous Knowledge In Fighting Climate Change for a Greener Future!",
        "focus_keyword": "indigenous knowledge in climate change",
        "standfirst": "Communities that have cared for the same lands over generations hold practical "
        "climate knowledge that scientists and planners increasingly want to learn from.",
        "category": "sustainability-living",
        "tags": ["climate", "sustainability"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-09T13:30:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/indigenous-knowledge-fighting-climate-change.jpg",
            "alt": "A forest landscape at dawn with mist rising over a river valley",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Indigenous communities have watched the seasons, species and weather of "
                "their lands across many generations. That accumulated understanding spans "
                "fire management, water stewardship, crop diversity and early warning signs "
                "of ecological change, and it often fills gaps where formal scientific "
                "records are short or patchy.",
            },
            {
                "type": "paragraph",
                "html": "Partnerships work best when they are equal. That means involving "
                "communities from the outset, respecting their rights over land and "
                "information, and sharing credit and benefits fairly rather than treating "
                "traditional knowledge as raw data to be mined.",
            },
            {
                "type": "paragraph",
                "html": "Combining place-based expertise with satellite data and climate models can "
                "produce adaptation plans that are both scientifically sound and workable on "
                "the ground — an approach that matters more as communities everywhere "
                "prepare for hotter, less predictable years.",
            },
        ],
    },
    {
        "slug": "reusable-water-bottles-that-last-a-lifetime",
        "title": "Top 6 Reusable Water Bottles That Last a Lifetime",
        "focus_keyword": "best durable reusable water bottles",
        "standfirst": "A well-made bottle can stand in for thousands of single-use ones. These are the "
        "qualities that keep one going for years.",
        "category": "sustainability-living",
        "tags": ["sustainability"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-15T15:15:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/reusable-water-bottles-that-last-a-lifetime.jpg",
            "alt": "Several stainless steel and glass water bottles lined up on a wooden table",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {"type": "heading", "text": "What separates a lifetime bottle from a drawer-filler", "level": 2},
            {
                "type": "paragraph",
                "html": "Durability starts with the material. Food-grade stainless steel shrugs off "
                "dents and odours and survives drops; glass keeps flavours clean but needs a "
                "protective sleeve; good-quality plastics are light but can scratch and "
                "stain over time. Choose according to how rough your daily routine tends to "
                "be.",
            },
            {
                "type": "list",
                "items": [
                    "A lid with replaceable seals and gaskets",
                    "A wide mouth that makes cleaning easy",
                    "Double-wall insulation if you want drinks to stay hot or cold",
                    "A powder coat or sleeve to absorb knocks",
                    "A manufacturer warranty and available spare parts",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "The greenest bottle is the one you keep using. Wash it regularly, replace "
                "worn seals rather than the whole bottle, and resist buying a new one every "
                "time a fresh colour comes out.",
            },
        ],
    },
    {
        "slug": "ethics-of-geo-engineering-hack-the-climate",
        "title": "Dive Into The Ethics of Geo-Engineering: Can We Hack the Climate?",
        "focus_keyword": "ethics of geo-engineering",
        "standfirst": "Proposals to cool the planet on purpose raise difficult questions about risk, "
        "consent and responsibility. We weigh the main arguments.",
        "category": "sustainability-living",
        "tags": ["climate"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-21T17:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/ethics-of-geo-engineering-hack-the-climate.jpg",
            "alt": "Sunlight breaking through high clouds above the ocean",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Geo-engineering covers two broad families of ideas: pulling carbon dioxide "
                "out of the air, and reflecting a small share of sunlight back into space to "
                "lower temperatures. The second, often called solar radiation management, "
                "draws most of the ethical debate because its effects would be global, rapid "
                "and hard to reverse once begun.",
            },
            {
                "type": "paragraph",
                "html": "Supporters say research is prudent in case emissions cuts arrive too "
                "slowly. Critics worry about moral hazard — the risk that a technological "
                "fix weakens the pressure to decarbonise — and about who would hold the "
                "controls of a planetary thermostat whose side effects could fall unevenly "
                "on different regions.",
            },
            {
                "type": "paragraph",
                "html": "Most ethicists agree on a minimum standard: any experiment should be "
                "transparent, governed internationally and paired with continued cuts in "
                "emissions. Whether the world should ever deploy such tools remains an open, "
                "and deeply political, question.",
            },
        ],
    },
    {
        "slug": "green-credit-cards-that-plant-trees",
        "title": '7 "Green" Credit Cards That Plant Trees While You Spend',
        "focus_keyword": "eco-friendly credit cards",
        "standfirst": "Some cards promise to plant trees or offset emissions as you spend. Here is how "
        "to tell a meaningful programme from clever marketing.",
        "category": "sustainability-living",
        "tags": ["credit-cards", "sustainability"],
        "authors": ["daniel-okafor"],
        "published_at": "2025-12-27T08:45:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/green-credit-cards-that-plant-trees.jpg",
            "alt": "A wooden payment card resting on moss beside a young tree seedling",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Eco-themed credit cards usually tie your spending to an environmental "
                "action, such as planting a tree for each purchase or funding carbon "
                "offsets. Some are also made from recycled or plant-based materials and show "
                "an estimated footprint for each transaction in the app.",
            },
            {
                "type": "list",
                "items": [
                    "Which partner organisation does the planting or offsetting",
                    "Whether results are verified independently",
                    "How fees and interest compare with mainstream cards",
                    "Whether the issuer itself finances fossil-fuel projects",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "A green perk should be a bonus, not a reason to accept a worse rate. The "
                "biggest environmental lever in your wallet is usually spending less, and "
                "the biggest financial one is paying off the balance in full.",
            },
        ],
    },
    {
        "slug": "cities-leading-renewable-energy-transition",
        "title": "10 Cities Leading the Renewable Energy Transition",
        "focus_keyword": "top renewable energy cities 2026",
        "standfirst": "From rooftop solar to electric buses, cities have become proving grounds for "
        "clean energy. These are the approaches the frontrunners share.",
        "category": "sustainability-living",
        "tags": ["renewable-energy", "climate"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-06T15:30:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/cities-leading-renewable-energy-transition.jpg",
            "alt": "Solar panels covering city rooftops with a skyline in the background",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Cities use a large share of the world’s energy, which makes them natural "
                "places to push the transition forward. The urban areas moving fastest tend "
                "to pair clear targets with practical tools: local purchases of solar and "
                "wind power, efficiency rules for buildings, and public transport that runs "
                "on electricity.",
            },
            {"type": "heading", "text": "Common threads among the frontrunners", "level": 2},
            {
                "type": "list",
                "items": [
                    "Long-term contracts to buy renewable electricity",
                    "Incentives for rooftop solar and heat pumps",
                    "Electric bus fleets and wider cycling networks",
                    "Public dashboards that track progress against targets",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Cities also run into limits. Grid capacity, ageing buildings and national "
                "energy policy can slow even ambitious plans. The strongest performers treat "
                "the transition as an infrastructure programme lasting decades rather than a "
                "single announcement.",
            },
        ],
    },
    {
        "slug": "undergrowthgames-custom-controller-uggcontroman",
        "title": "UnderGrowthGames Custom Controller UggControMan: Unlocking The Gaming Precision!",
        "focus_keyword": "custom uggcontroman controller",
        "standfirst": "Custom controllers promise sharper inputs and better comfort. We look at what a "
        "pad like the UggControMan is meant to offer and how to judge any controller of "
        "its kind.",
        "category": "gaming",
        "tags": ["pc-gaming", "controllers"],
        "authors": ["tomas-reyes"],
        "published_at": "2025-12-12T17:15:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/undergrowthgames-custom-controller-uggcontroman.jpg",
            "alt": "A custom game controller with coloured buttons and rear paddles on a desk",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "The appeal of a custom controller lies in the details stock pads ignore: "
                "trigger tension, stick height, button layout and grip texture. Products "
                "such as UnderGrowthGames’ UggControMan are aimed at players who want those "
                "adjustments without opening up the hardware themselves.",
            },
            {
                "type": "paragraph",
                "html": "Before paying a premium, check the basics. Look for remappable rear "
                "paddles, replaceable thumbsticks, a low-latency wired or wireless "
                "connection and clear compatibility with the platforms you actually play on. "
                "Reviews that measure input lag are more useful than ones that praise the "
                "colour scheme.",
            },
            {
                "type": "paragraph",
                "html": "Precision ultimately comes from practice. A well-fitted controller can "
                "remove friction and reduce fatigue during long sessions, but it will not "
                "replace the time spent learning a game’s mechanics.",
            },
        ],
    },
    {
        "slug": "remakes-and-remasters-confirmed-for-2026",
        "title": "7 Remakes And Remasters Confirmed For 2026 Release",
        "focus_keyword": "upcoming game remakes 2026",
        "standfirst": "Publishers keep dipping into their back catalogues. Here is what to expect from "
        "the latest wave of remakes and remasters, and how to tell the two apart.",
        "category": "gaming",
        "tags": ["game-remakes"],
        "authors": ["tomas-reyes"],
        "published_at": "2025-12-18T08:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/remakes-and-remasters-confirmed-for-2026.jpg",
            "alt": "A retro game cartridge placed next to a modern console controller",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "A remaster generally takes an existing game and improves its resolution, "
                "frame rate and textures while leaving the design largely intact. A remake "
                "rebuilds the game, often in a new engine, and may rework controls, "
                "structure or story. Knowing which one you are buying helps set expectations "
                "about price and how familiar it will feel.",
            },
            {
                "type": "paragraph",
                "html": "Studios like these projects because they blend nostalgia with lower "
                "creative risk, and because many older games are awkward to play on modern "
                "hardware. The best examples keep what made the original memorable while "
                "smoothing away mechanics that have aged badly.",
            },
            {
                "type": "paragraph",
                "html": "Before pre-ordering, check whether owners of the original get an upgrade "
                "discount, whether cut content makes a return, and what early reviews say "
                "about performance at launch.",
            },
        ],
    },
    {
        "slug": "best-vr-headsets-under-500-january-2026",
        "title": "The 5 Best VR Headsets Under $500: January 2026 Buying Guide",
        "focus_keyword": "the 5 best vr headsets under $500 january 2026 guide",
        "standfirst": "A capable headset no longer demands a high-end budget. These are the specs and "
        "trade-offs that matter below the $500 mark.",
        "category": "gaming",
        "tags": ["vr"],
        "authors": ["tomas-reyes"],
        "published_at": "2025-12-24T10:45:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/best-vr-headsets-under-500-january-2026.jpg",
            "alt": "A person wearing a virtual reality headset and holding motion controllers",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {"type": "heading", "text": "What to look for", "level": 2},
            {
                "type": "list",
                "items": [
                    "Standalone play versus needing a PC or console",
                    "Display resolution and refresh rate",
                    "Comfort, weight balance and room for glasses",
                    "Tracking quality and controller design",
                    "The size of the app and game library",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "At this price the biggest decision is whether you want a standalone headset "
                "or one tethered to another device. Standalone models are simpler to set up "
                "and easy to take anywhere, while tethered options can draw on more powerful "
                "hardware for richer visuals.",
            },
            {
                "type": "paragraph",
                "html": "Try a headset on before buying if you can. A sharp display counts for "
                "little if the unit presses on your face after twenty minutes. Check the "
                "return policy too, since sensitivity to motion varies a great deal between "
                "people.",
            },
        ],
    },
    {
        "slug": "do-mopfell78-pc-gamers-have-an-advantage-fortnite",
        "title": "Do Mopfell78 PC Gamers Have An Advantage in Fortnite And Graphic-Intensive PC Games?",
        "focus_keyword": "do mopfell78 pc gamers have an advantage in fortnite and graphic-intensive pc "
        "games",
        "standfirst": "Hardware matters in demanding games, though not always in the ways players "
        "assume. We look at where a high-end PC helps and where skill still decides.",
        "category": "gaming",
        "tags": ["pc-gaming"],
        "authors": ["tomas-reyes"],
        "published_at": "2025-12-03T17:30:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/do-mopfell78-pc-gamers-have-an-advantage-fortnite.jpg",
            "alt": "A gaming PC with glowing components next to a high-refresh monitor",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Players who invest in powerful rigs, such as those discussed in communities "
                "around the Mopfell78 name, often report smoother frame rates and quicker "
                "response. In fast shooters like Fortnite, a high and stable frame rate "
                "paired with a high-refresh monitor can make movement easier to follow and "
                "inputs feel more immediate.",
            },
            {
                "type": "paragraph",
                "html": "The edge has limits. Once a system comfortably exceeds the monitor’s "
                "refresh rate, extra graphics horsepower adds little competitive value. "
                "Network latency, sensible settings and practice time usually matter more "
                "than yet another expensive upgrade.",
            },
            {
                "type": "paragraph",
                "html": "In graphically demanding single-player games, the benefit is about visual "
                "quality rather than winning. A strong graphics card lets you raise detail "
                "settings without sacrificing smoothness, which improves the experience even "
                "if it does not change the outcome.",
            },
        ],
    },
    {
        "slug": "top-esports-tournaments-to-watch-q1-2026",
        "title": "Top 10 Esports Tournaments to Watch in Q1 2026",
        "focus_keyword": "esports tournaments q1 2026",
        "standfirst": "The first quarter brings a packed esports calendar. Here is how to plan your "
        "viewing and keep up with the events that matter to you.",
        "category": "gaming",
        "tags": ["esports"],
        "authors": ["tomas-reyes"],
        "published_at": "2025-12-09T08:15:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/top-esports-tournaments-to-watch-q1-2026.jpg",
            "alt": "A packed esports arena with players on stage under bright lights",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Early-season tournaments often set the tone for the competitive year. "
                "Rosters reshuffled during the off-season meet for the first time, new "
                "patches are stress-tested at the highest level, and storylines that will "
                "run for months begin to take shape.",
            },
            {
                "type": "list",
                "items": [
                    "Follow official league channels for schedules in your time zone",
                    "Check which patch or version each event is played on",
                    "Try co-streams for commentary that suits your taste",
                    "Watch qualifiers, not just finals, to spot rising teams",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Whatever titles you follow, consider watching a game you do not play "
                "yourself. Top-level competition can be surprisingly easy to enjoy when you "
                "learn the rules fresh, and it broadens your sense of what esports has to "
                "offer.",
            },
        ],
    },
    {
        "slug": "tips-for-acing-your-student-visa-interview",
        "title": "7 Essential Tips for Acing Your Student Visa Interview: Nail Your Chance!",
        "focus_keyword": "tips for a successful student visa interview",
        "standfirst": "A visa interview is brief, and first impressions count. These preparation steps "
        "can help applicants answer clearly and with confidence.",
        "category": "business-marketing",
        "tags": ["education", "travel"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-14T10:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/tips-for-acing-your-student-visa-interview.jpg",
            "alt": "A student holding a passport and a folder of documents outside a consulate",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {"type": "heading", "text": "Preparing for the conversation", "level": 2},
            {
                "type": "list",
                "items": [
                    "Know your course, your university and why you chose them",
                    "Keep financial documents organised and easy to explain",
                    "Be ready to describe your plans after graduation",
                    "Answer briefly and honestly, without memorised scripts",
                    "Bring originals and copies of every required document",
                    "Practise talking about your studies in the interview language",
                    "Arrive early and dress neatly",
                ],
                "ordered": True,
            },
            {
                "type": "paragraph",
                "html": "Consular officers generally want to confirm three things: that you are a "
                "genuine student, that you can pay for your studies, and that your plans fit "
                "the visa you are requesting. Short, specific answers that match your "
                "paperwork carry more weight than long rehearsed speeches.",
            },
            {
                "type": "paragraph",
                "html": "If a question is unclear, politely ask for it to be repeated. Staying calm "
                "and truthful is far more persuasive than trying to guess what the officer "
                "hopes to hear.",
            },
        ],
    },
    {
        "slug": "voozon-com-streamlining-digital-growth",
        "title": "Voozon.com: Streamlining Digital Growth for Modern Businesses",
        "focus_keyword": "voozon.com",
        "standfirst": "All-in-one growth platforms promise to simplify online marketing for smaller "
        "companies. Here is how to assess a service such as Voozon.com before signing up.",
        "category": "business-marketing",
        "tags": ["digital-marketing", "entrepreneurship"],
        "authors": ["tomas-reyes"],
        "published_at": "2025-12-20T12:45:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/voozon-com-streamlining-digital-growth.jpg",
            "alt": "A small business owner reviewing website analytics charts on a laptop",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Platforms like Voozon.com present themselves as a single home for the tasks "
                "that drive online growth: search visibility, content, social media and "
                "analytics. For small teams juggling many separate tools, consolidating them "
                "can save time and cut the number of subscriptions to manage.",
            },
            {
                "type": "paragraph",
                "html": "Before committing, ask for a trial and test the features you will actually "
                "use. Check how the platform reports results, whether your data can be "
                "exported if you leave, and how it handles customer privacy. A tidy "
                "dashboard is only helpful if the numbers behind it are reliable.",
            },
            {
                "type": "paragraph",
                "html": "No tool replaces a strategy. Decide what growth means for your business — "
                "leads, sales or sign-ups — and pick software that measures that, rather "
                "than chasing vanity metrics.",
            },
        ],
    },
    {
        "slug": "strategic-overview-of-charfen-co-uk",
        "title": "Mastering Entrepreneurial Growth: A Strategic Overview of Charfen.co.uk",
        "focus_keyword": "charfen.co.uk",
        "standfirst": "Resources aimed at founders promise frameworks for scaling a business. We outline "
        "what a site like Charfen.co.uk covers and how to get real value from such "
        "material.",
        "category": "business-marketing",
        "tags": ["entrepreneurship"],
        "authors": ["tomas-reyes"],
        "published_at": "2025-12-26T14:30:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/strategic-overview-of-charfen-co-uk.jpg",
            "alt": "A founder sketching a growth plan on a whiteboard in a meeting room",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Entrepreneurial growth resources such as Charfen.co.uk typically focus on "
                "strategy, leadership and operating systems — the structures a founder needs "
                "once a company outgrows a handful of people. The recurring theme is moving "
                "from doing every task personally to building repeatable processes that "
                "others can run.",
            },
            {
                "type": "paragraph",
                "html": "Frameworks are most useful when applied selectively. Choose one area that "
                "is holding the business back, such as hiring, cash flow or the sales "
                "pipeline, and test a single idea there before overhauling everything at "
                "once.",
            },
            {
                "type": "list",
                "items": [
                    "Set a few clear priorities each quarter",
                    "Document a process before delegating it",
                    "Review your key numbers every week",
                    "Protect time for strategic thinking",
                ],
                "ordered": False,
            },
        ],
    },
    {
        "slug": "crew-cloudysocial-team-social-media-collaboration",
        "title": "Crew Cloudysocial: Boost Your Team's Social Media Collaboration",
        "focus_keyword": "crew cloudysocial",
        "standfirst": "Team-based social media tools aim to cut approval bottlenecks and mixed messages. "
        "Here is what Crew Cloudysocial sets out to do and what to check before adopting "
        "it.",
        "category": "business-marketing",
        "tags": ["social-media", "digital-marketing"],
        "authors": ["tomas-reyes"],
        "published_at": "2025-12-05T10:15:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/crew-cloudysocial-team-social-media-collaboration.jpg",
            "alt": "A marketing team planning social media posts on a shared content calendar",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "When several people run a brand’s social accounts, coordination becomes the "
                "hard part. Tools like Crew Cloudysocial are built to give teams a shared "
                "calendar, draft approvals and role-based access, so posts go out on "
                "schedule and in a consistent voice.",
            },
            {
                "type": "paragraph",
                "html": "When evaluating a collaboration tool, look at how permissions work, whether "
                "it supports the networks you depend on, and how easily clients or managers "
                "can sign off on content. Good reporting should show which posts performed "
                "well and who produced them.",
            },
            {
                "type": "paragraph",
                "html": "Process matters as much as software. Agree on a tone guide, a target "
                "response time for comments and a clear owner for each account before "
                "rolling out any new platform.",
            },
        ],
    },
    {
        "slug": "growth-mindset-myth-why-its-not-enough",
        "title": 'The "Growth Mindset" Myth: Why It\'s Not Enough',
        "focus_keyword": "the growth mindset myth why it's not enough",
        "standfirst": "Believing you can improve is a useful starting point, but belief alone rarely "
        "produces results. Here is what needs to come with it.",
        "category": "business-marketing",
        "tags": ["mindset", "entrepreneurship"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-11T12:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/growth-mindset-myth-why-its-not-enough.jpg",
            "alt": "A notebook with handwritten goals beside a cup of coffee on an office desk",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "The growth mindset idea — that abilities can be developed through effort — "
                "has become a workplace slogan. The trouble is that the slogan often travels "
                "without the practical scaffolding that makes improvement possible: useful "
                "feedback, deliberate practice and enough time to learn.",
            },
            {
                "type": "paragraph",
                "html": "Effort is not the same as progress. Working hard at the wrong method can "
                "simply reinforce bad habits. Pair a willingness to grow with specific "
                "goals, honest measurement and readiness to change approach when something "
                "is not working.",
            },
            {
                "type": "paragraph",
                "html": "Organisations carry responsibility too. Urging employees to embrace "
                "challenges means little if mistakes are punished. A culture that genuinely "
                "supports learning is what makes the mindset worth having.",
            },
        ],
    },
    {
        "slug": "saas-founders-to-follow-on-linkedin-2026",
        "title": "15 SaaS Founders to Follow on LinkedIn: 2026 Growth & AI Trends",
        "focus_keyword": "15 saas founders to follow on linkedin for 2026 insights",
        "standfirst": "LinkedIn has become a public notebook for software founders. Here is how to build "
        "a feed that teaches you something about growth and AI.",
        "category": "business-marketing",
        "tags": ["saas", "ai"],
        "authors": ["priya-raman"],
        "published_at": "2025-12-17T14:45:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/saas-founders-to-follow-on-linkedin-2026.jpg",
            "alt": "A laptop open to a professional networking feed beside a notepad",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Founders of software-as-a-service companies increasingly share revenue "
                "lessons, hiring mistakes and product experiments in public. Following a "
                "well-chosen group can provide a running education in pricing, churn and the "
                "practical adoption of AI tools.",
            },
            {
                "type": "list",
                "items": [
                    "Favour founders who share numbers, not just opinions",
                    "Mix early-stage builders with leaders of larger companies",
                    "Include voices from different markets and regions",
                    "Unfollow accounts that mostly repost motivational content",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Treat what you read as a hypothesis rather than a rulebook. What worked for "
                "one company at one moment may not suit yours, but patterns that recur "
                "across many founders are worth noting.",
            },
        ],
    },
    {
        "slug": "business-credit-cards-for-ecommerce-owners",
        "title": "Top 5 Business Credit Cards for E-commerce Owners",
        "focus_keyword": "best business credit cards for ecommerce",
        "standfirst": "Online sellers have spending patterns that generic business cards don’t always "
        "reward. These are the features that matter most.",
        "category": "business-marketing",
        "tags": ["credit-cards", "entrepreneurship"],
        "authors": ["daniel-okafor"],
        "published_at": "2025-12-23T16:30:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/business-credit-cards-for-ecommerce-owners.jpg",
            "alt": "Packed shipping boxes next to a laptop showing an online store dashboard",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "E-commerce businesses tend to spend heavily on advertising, shipping, "
                "software subscriptions and stock. A business card that offers elevated "
                "rewards in those categories can return meaningful value, particularly when "
                "monthly spending is high.",
            },
            {
                "type": "list",
                "items": [
                    "Rewards on digital advertising and shipping",
                    "Generous or flexible spending limits",
                    "Free employee cards with spending controls",
                    "Integration with accounting software",
                    "No foreign transaction fees for overseas suppliers",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Keep business and personal spending strictly separate, and pay the balance "
                "in full whenever possible. Rewards rarely outweigh interest charges, and "
                "clean records make tax season far less painful.",
            },
        ],
    },
    {
        "slug": "best-cloud-storage-solutions-for-backups-2026",
        "title": "6 Best Cloud Storage Solutions for Backups in 2026",
        "focus_keyword": "best cloud storage for backups 2026",
        "standfirst": "A backup is only useful if you can restore from it. Here is how to choose a cloud "
        "service that properly protects your files.",
        "category": "technology-ai",
        "tags": ["cloud-storage", "productivity"],
        "authors": ["priya-raman"],
        "published_at": "2025-12-02T12:15:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/best-cloud-storage-solutions-for-backups-2026.jpg",
            "alt": "A laptop and external drive on a desk with a cloud upload icon on screen",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {"type": "heading", "text": "What a good backup service offers", "level": 2},
            {
                "type": "paragraph",
                "html": "Sync services and backup services are not the same thing. Sync mirrors "
                "files across devices, so an accidental deletion or a ransomware infection "
                "can spread everywhere. A true backup keeps older versions separately, "
                "letting you roll back to a point before something went wrong.",
            },
            {
                "type": "list",
                "items": [
                    "File versioning with a long retention window",
                    "End-to-end or client-side encryption options",
                    "Automatic, scheduled backups",
                    "Fast restores that you have actually tested",
                    "Transparent pricing as your storage grows",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Follow the 3-2-1 rule: three copies of your data, on two kinds of media, "
                "with one kept off-site. A cloud service can supply the off-site copy, but "
                "rehearse a restore now and then so you know it works when it counts.",
            },
        ],
    },
    {
        "slug": "best-resources-to-learn-solidity-2026",
        "title": "10 Best Resources to Learn Solidity 2026 Explained",
        "focus_keyword": "best resources to learn solidity 2026",
        "standfirst": "Solidity remains the main language for Ethereum smart contracts. Here is how to "
        "structure your learning and which kinds of resources help most.",
        "category": "technology-ai",
        "tags": ["blockchain", "crypto"],
        "authors": ["priya-raman"],
        "published_at": "2025-12-08T14:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/best-resources-to-learn-solidity-2026.jpg",
            "alt": "Lines of smart contract code displayed in a dark-themed code editor",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Learning Solidity is partly about syntax and mostly about security. Smart "
                "contracts handle real value and are hard to change once deployed, so "
                "beginners should study testing and common vulnerabilities alongside the "
                "language itself.",
            },
            {
                "type": "list",
                "items": [
                    "The official Solidity documentation",
                    "Interactive tutorials that run in the browser",
                    "Development frameworks with built-in testing tools",
                    "Audited open-source contract libraries to study",
                    "Security challenge games that teach common exploits",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Build small projects and deploy them to a test network before touching real "
                "funds. Reading audited code written by others, along with published audit "
                "reports, is one of the quickest ways to learn how experienced developers "
                "think.",
            },
        ],
    },
    {
        "slug": "deep-dive-into-snapjotz-com",
        "title": "Mastering Digital Thought Capture: A Deep Dive into Snapjotz com",
        "focus_keyword": "snapjotz com",
        "standfirst": "Quick-capture note apps promise to catch ideas before they slip away. We look at "
        "what a tool like Snapjotz com offers and how to build a capture habit that "
        "sticks.",
        "category": "technology-ai",
        "tags": ["productivity"],
        "authors": ["priya-raman"],
        "published_at": "2025-12-14T16:45:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/deep-dive-into-snapjotz-com.jpg",
            "alt": "A hand jotting a note on a smartphone next to an open paper notebook",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Digital thought-capture tools such as Snapjotz com focus on speed: opening "
                "instantly, accepting text or voice, and filing notes away for later review. "
                "The aim is to remove friction between having an idea and writing it down.",
            },
            {
                "type": "paragraph",
                "html": "Capture is only half the system. Notes earn their keep when you review them "
                "regularly, turn some into tasks and discard the rest. A weekly review, even "
                "a brief one, stops a capture inbox from becoming a digital junk drawer.",
            },
            {
                "type": "paragraph",
                "html": "Whichever note app you choose, check how it syncs across devices, whether "
                "notes can be exported in an open format, and how it protects your data.",
            },
        ],
    },
    {
        "slug": "best-hr-tech-tools-for-hybrid-workforce-management",
        "title": "The 5 Best HR Tech Tools for Hybrid Workforce Management",
        "focus_keyword": "tech tools for hybrid workforce management",
        "standfirst": "Hybrid teams need software that keeps people connected without piling on admin. "
        "These are the kinds of HR tools worth considering.",
        "category": "technology-ai",
        "tags": ["hr-tech", "saas"],
        "authors": ["priya-raman"],
        "published_at": "2025-12-19T07:30:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/best-hr-tech-tools-for-hybrid-workforce-management.jpg",
            "alt": "A video call on a laptop in a home office while colleagues work in a shared office",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Managing a workforce split between offices and homes puts pressure on HR "
                "systems. Scheduling, onboarding, performance reviews and engagement all "
                "need to work the same way whether someone sits at a desk downtown or at a "
                "kitchen table.",
            },
            {"type": "heading", "text": "Tool categories to cover", "level": 2},
            {
                "type": "list",
                "items": [
                    "Desk and room booking for office days",
                    "Digital onboarding and document signing",
                    "Continuous feedback and performance tools",
                    "Pulse surveys to gauge engagement",
                    "Integrated payroll and time tracking",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Integration matters more than long feature lists. Tools that share data "
                "reduce duplicate entry, and single sign-on keeps the experience simple for "
                "employees. Pilot any new system with one team first, gather honest "
                "feedback, and only then roll it out company-wide.",
            },
        ],
    },
    {
        "slug": "stoicism-for-the-modern-age-2026",
        "title": "Stoicism for the Modern Age: Ancient Wisdom for 2026 Problems [Transform Your Life]",
        "focus_keyword": "modern stoicism for timeless wisdom",
        "standfirst": "An ancient philosophy is winning new readers among people overwhelmed by modern "
        "pressures. Here is what Stoicism offers and how to put it into practice.",
        "category": "fitness-wellness",
        "tags": ["mindset", "mental-health"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-25T09:15:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/stoicism-for-the-modern-age-2026.jpg",
            "alt": "A marble bust of a classical philosopher beside an open journal",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Stoicism, developed in ancient Greece and Rome, rests on a simple "
                "distinction: some things are within our control, such as our judgments and "
                "actions, and a great many are not. Putting energy into the first group is "
                "meant to ease anxiety about the second.",
            },
            {
                "type": "list",
                "items": [
                    "Begin the day by naming what you can and cannot control",
                    "Reflect each evening on what went well and what to improve",
                    "Picture setbacks in advance to soften their impact",
                    "Pause before reacting to criticism or bad news",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Modern Stoicism is not about suppressing emotion. It encourages noticing "
                "feelings without letting them dictate behaviour, a skill that carries over "
                "well to crowded inboxes and constant news alerts.",
            },
        ],
    },
    {
        "slug": "digital-disconnect-evening-rituals-sleep-quality",
        "title": "How Digital Disconnect Evening Rituals Can Transform Your Sleep Quality",
        "focus_keyword": "digital disconnect evening rituals",
        "standfirst": "Putting screens away before bed is one of the simplest sleep upgrades. These "
        "evening routines make the habit easier to keep.",
        "category": "fitness-wellness",
        "tags": ["sleep", "digital-wellbeing"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-04T16:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/digital-disconnect-evening-rituals-sleep-quality.jpg",
            "alt": "A phone charging on a dresser while a person reads a book in bed",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Phones and laptops keep the brain on alert with notifications, bright light "
                "and endless content. A screen-free window before bed gives the mind time to "
                "wind down and can make falling asleep feel less like a struggle.",
            },
            {
                "type": "list",
                "items": [
                    "Pick a fixed time to switch devices off",
                    "Charge your phone outside the bedroom",
                    "Swap scrolling for reading or gentle stretching",
                    "Dim the lights during the last hour before sleep",
                    "Write tomorrow’s to-do list to clear your head",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Start small, perhaps with thirty minutes, and lengthen the window as it "
                "becomes routine. Consistency beats perfection: a ritual you keep most "
                "nights will do more than an ambitious plan abandoned after a week.",
            },
        ],
    },
    {
        "slug": "circadian-habits-for-seasonal-depression",
        "title": "Light Your Way: Circadian Habits for Seasonal Depression",
        "focus_keyword": "circadian lighting habits for seasonal depression",
        "standfirst": "Shorter days can affect mood and energy. These light-based habits may help, "
        "alongside professional care where needed.",
        "category": "fitness-wellness",
        "tags": ["sleep", "mental-health"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-10T07:45:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/circadian-habits-for-seasonal-depression.jpg",
            "alt": "Morning sunlight streaming through a window onto a kitchen table",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "The body’s internal clock responds strongly to light. When winter brings "
                "late sunrises and early sunsets, some people notice their sleep, energy and "
                "mood shifting. Small changes to daily light exposure can help keep that "
                "rhythm steadier.",
            },
            {
                "type": "list",
                "items": [
                    "Get outside in daylight early in the day",
                    "Work near a window when you can",
                    "Keep evening lighting warm and dim",
                    "Wake up at the same time every day, weekends included",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Light therapy lamps are widely used for seasonal symptoms, but they are not "
                "suitable for everyone. If low mood persists or gets in the way of daily "
                "life, talk to a doctor or mental-health professional for guidance.",
            },
        ],
    },
    {
        "slug": "2026-year-of-analogue-ditching-screens-for-paper",
        "title": "2026: The Year of Analogue and Why People Are Ditching Screens for Paper",
        "focus_keyword": "2026,the year of analogue",
        "standfirst": "Paper planners, film cameras and printed books are enjoying fresh attention. We "
        "look at why more people are reaching for analogue tools.",
        "category": "fitness-wellness",
        "tags": ["digital-wellbeing", "productivity"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-16T09:30:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/2026-year-of-analogue-ditching-screens-for-paper.jpg",
            "alt": "A paper planner, fountain pen and film camera arranged on a desk",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "For many people, the appeal of analogue tools is focus. A paper notebook "
                "sends no notifications, a printed book never suggests another video, and a "
                "film camera makes each shot feel considered. The limitations are part of "
                "the attraction.",
            },
            {
                "type": "paragraph",
                "html": "The trend is less about rejecting technology than about choosing it "
                "deliberately. People keep their phones for what phones do well and reach "
                "for paper when they want to think, plan or create without interruption.",
            },
            {
                "type": "paragraph",
                "html": "If you want to try it, start with one habit: plan your week on paper, keep "
                "a handwritten journal, or leave your phone in another room while you read. "
                "Then notice how your attention changes.",
            },
        ],
    },
    {
        "slug": "build-an-anti-fragile-mindset-for-uncertain-times",
        "title": 'How to Build an "Anti-Fragile" Mindset for Uncertain Times? Thrive in Chaos!',
        "focus_keyword": "anti-fragile mindset",
        "standfirst": "Resilience means bouncing back; anti-fragility means growing stronger under "
        "stress. Here is how to apply the idea to everyday uncertainty.",
        "category": "fitness-wellness",
        "tags": ["mindset", "mental-health"],
        "authors": ["lena-hart"],
        "published_at": "2025-12-22T11:15:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/build-an-anti-fragile-mindset-for-uncertain-times.jpg",
            "alt": "A hiker standing on a rocky ridge under a stormy sky",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Anti-fragility describes systems that improve when exposed to shocks rather "
                "than merely surviving them. Applied to people, it suggests treating "
                "manageable challenges as training instead of threats to be avoided at all "
                "costs.",
            },
            {
                "type": "list",
                "items": [
                    "Take small, deliberate risks on a regular basis",
                    "Build slack into your schedule and finances",
                    "Learn from setbacks with a short written review",
                    "Keep several options open instead of relying on one plan",
                ],
                "ordered": False,
            },
            {
                "type": "paragraph",
                "html": "Anti-fragility is not about seeking chaos or ignoring real harm. It works "
                "best on a foundation of sleep, support and stability, from which small "
                "doses of discomfort can build confidence over time.",
            },
        ],
    },
]

DRAFT_ARTICLES: list[dict[str, Any]] = [
    {
        "slug": "draft-kim-putin-summit-analysis",
        "title": "Analysis: What a Further Kim–Putin Summit Could Put on the Table",
        "focus_keyword": "kim putin summit analysis",
        "standfirst": "An unpublished working draft weighing the issues a future meeting between the two "
        "leaders might cover.",
        "category": "world-politics",
        "tags": ["north-korea", "russia", "diplomacy", "kim-jong-un", "vladimir-putin"],
        "authors": ["mina-park"],
        "published_at": "2025-12-20T10:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/draft-kim-putin-summit-analysis.jpg",
            "alt": "An empty conference table set with two chairs and small national flags",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Working notes only. This piece sets out the agenda items analysts expect to "
                "come up if the two leaders meet again, and will be expanded once a date is "
                "confirmed.",
            },
            {
                "type": "table",
                "table": {
                    "title": "Possible agenda items for a future summit",
                    "caption": "Draft — not for publication.",
                    "columns": [
                        {"key": "item", "label": "Agenda item", "type": "text"},
                        {"key": "likelihood", "label": "Likelihood (1–5)", "type": "number"},
                        {"key": "note", "label": "Why it could come up", "type": "text"},
                    ],
                    "rows": [
                        [
                            "Treaty implementation",
                            4,
                            "Both sides like to cite the 2024 agreement as the basis for cooperation",
                        ],
                        [
                            "Reconstruction work in Kursk",
                            3,
                            "Engineering missions have become a showcase of practical support",
                        ],
                        [
                            "Trade and energy links",
                            3,
                            "Economic ties remain constrained by the sanctions regime",
                        ],
                    ],
                },
            },
        ],
        "status": "draft",
    },
    {
        "slug": "scheduled-ai-regulation-outlook-2031",
        "title": "AI Regulation Outlook 2031: The Questions Lawmakers Will Face",
        "focus_keyword": "ai regulation outlook 2031",
        "standfirst": "A look ahead at the regulatory questions artificial intelligence is likely to "
        "raise by the start of the next decade.",
        "category": "technology-ai",
        "tags": ["ai", "saas"],
        "authors": ["priya-raman"],
        "published_at": "2031-01-01T00:00:00+00:00",
        "hero_image": {
            "url": "https://images.broadsheet.example/scheduled-ai-regulation-outlook-2031.jpg",
            "alt": "A gavel resting beside a laptop displaying lines of code",
            "width": 1600,
            "height": 900,
        },
        "blocks": [
            {
                "type": "paragraph",
                "html": "Rules for artificial intelligence are still being written. This scheduled "
                "piece lists the open questions that regulators are expected to be wrestling "
                "with.",
            },
            {
                "type": "table",
                "table": {
                    "title": "Regulatory questions to watch",
                    "caption": None,
                    "columns": [
                        {"key": "question", "label": "Question", "type": "text"},
                        {"key": "review", "label": "Next review", "type": "date"},
                        {"key": "source", "label": "Further reading", "type": "link"},
                    ],
                    "rows": [
                        [
                            "Who is liable when an automated decision causes harm?",
                            "2031-03-01",
                            "https://www.broadsheet.example/explainers/ai-liability",
                        ],
                        [
                            "How should training data be disclosed?",
                            "2031-06-01",
                            "https://www.broadsheet.example/explainers/ai-training-data",
                        ],
                    ],
                },
            },
        ],
        "status": "scheduled",
    },
]
