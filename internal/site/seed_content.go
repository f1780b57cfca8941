package site

// The site's first content, written from the secretariat's annual report
// of the Expert Group and its "How we work" text (the seed documents), in
// our own words. Every item is marked Seed: an editor may change or
// archive it like any other. Where the seeds name no organisation (most
// contact points), the entry says so and is marked as a placeholder.

type seedItem struct {
	Item
	Title, Summary, Body string
	DE                   *Text    // a German translation, where one is seeded
	Links                []string // "kind/slug" of related items
}

const (
	bsrImpt   = "project/bsr-impt"
	robert    = "project/robert"
	seminar1  = "event/bsr-impt-seminar-vilnius"
	seminar2  = "event/bsr-impt-seminar-copenhagen"
	moscow    = "event/child-safety-internet-moscow-2009"
	doorOpen  = "event/keeping-the-door-open-2009"
	annual    = "publication/egcc-annual-report-2009-2010"
	priorPap  = "publication/egcc-priorities-2009-2011"
	egPage    = "page/expert-group"
	unitPage  = "page/childrens-unit"
	vilniusMt = "meeting/egcc-vilnius-2009"
	warsawMt  = "meeting/egcc-warsaw-2010"
)

var seedItems = []seedItem{
	{Item: Item{Kind: KindPage, Slug: "expert-group", Topic: "rights", SortKey: 1},
		Title:   "The Expert Group and how it works",
		Summary: "The Expert Group for Cooperation on Children at Risk (EGCC) brings together senior officials from the ministries responsible for children in the Council of the Baltic Sea States.",
		Body: `The **Expert Group for Cooperation on Children at Risk (EGCC)** started in 1999 and became a working group of the Council of the Baltic Sea States (CBSS) in 2002. It is a meeting place for professionals who support children at risk.

## Who sits in the group

Each member state of the CBSS appoints a senior official from the ministry that deals with children's issues — in Denmark, Estonia, Finland, Germany, Iceland, Latvia, Lithuania, Norway, Poland, Russia and Sweden. Most come from ministries of social affairs or education, or from a ministry for children. The European Commission has a seat as well.

The chair rotates among the members; it does not follow the CBSS presidency. In the period of the annual report the chair was held by Denmark and the vice-chair by Poland (see the [members](../member/)).

## What the group does

- Members share what is happening in their countries and look together for gaps in services, expertise and capacity.
- The group runs projects that do research, develop training and keep professional networks alive.
- Expert consultations collect good practice and agree on recommendations.
- It encourages ministries, universities, the private sector, civil society and children themselves to work together, nationally and across the region.

The United Nations, the Council of Europe, the European Union and other regional bodies set the standards that inspire this work. The reports of every meeting of the group are published on this site.`,
		DE: &Text{Title: "Die Expertengruppe und ihre Arbeitsweise",
			Summary: "Die Expertengruppe für die Zusammenarbeit zum Schutz gefährdeter Kinder (EGCC) vereint hohe Beamte der für Kinder zuständigen Ministerien im Ostseerat.",
			Body: `Die **Expertengruppe für die Zusammenarbeit zum Schutz gefährdeter Kinder (EGCC)** wurde 1999 gegründet und ist seit 2002 eine Arbeitsgruppe des Ostseerats (CBSS). Sie ist ein Forum für Fachleute, die Kinder in Gefahr unterstützen.

Jeder Mitgliedstaat benennt eine hohe Beamtin oder einen hohen Beamten aus dem Ministerium, das für die Belange von Kindern zuständig ist. Der Vorsitz wechselt unter den Mitgliedern.

Die Gruppe führt Projekte durch, entwickelt Schulungen und pflegt die Netzwerke der Fachleute. Die Berichte aller Sitzungen werden auf dieser Website veröffentlicht.`}},
	{Item: Item{Kind: KindPage, Slug: "childrens-unit", SortKey: 2},
		Title:   "The Children's Unit",
		Summary: "The secretariat of the Expert Group: a small unit of the CBSS secretariat, financed by voluntary contributions of the member states.",
		Body: `The **Children's Unit** is the secretariat of the Expert Group. In the period of the annual report it was staffed by a full-time Head of Unit and, until January 2010, by a Project Officer working one day a week.

The unit has a budget of its own, made of voluntary contributions from the member states. In 2009 every member state except Latvia and Russia contributed; in 2010 every member state except Russia did. The Project Officer also took part in the follow-up to the Oslo ministerial meeting, partly financed by the Norwegian Ministry of Children, Equality and Social Inclusion.

## This website

The secretariat and the national coordinators of each country keep this site up to date: it presents what comes out of the cooperation, and reports and studies of interest to professionals in the region.

## Other cooperation

During the year the Expert Group was an associated expert group of the Northern Dimension Partnership in Public Health and Social Well-being (NDPHS).`},
	{Item: Item{Kind: KindPage, Slug: "safe-and-secure-region", Topic: "rights", SortKey: 3},
		Title:   "A safe and secure region for children",
		Summary: "Why the Baltic Sea Region works together on child protection.",
		Body: `A safe and secure region is one of the priorities of the Council of the Baltic Sea States, and the region is often cited as a model of cooperation on child protection.

The UN Convention on the Rights of the Child guarantees every child human rights, dignity and integrity, and safety and security. Building on it, the member states take legislative, political and administrative measures against violence towards children, so that children grow up safe, healthy, educated and motivated — which in turn makes societies more sustainable and prosperous.`},

	// Priority areas (the current focus areas).
	{Item: Item{Kind: KindPriority, Slug: "child-rights-and-justice", Topic: "rights", SortKey: 1},
		Title: "Child rights and child-friendly justice", Summary: "Promoting the rights of the child, including justice systems that are adapted to children.",
		Body: "The member states work for comprehensive and sustainable child protection that prevents and responds to violence, abuse, neglect and exploitation. Promoting children's rights — including justice that is friendly to children — is the first of the focus areas."},
	{Item: Item{Kind: KindPriority, Slug: "early-intervention", Topic: "prevention", SortKey: 2},
		Title: "Early intervention and prevention", Summary: "Acting before harm is done.",
		Body: "Support that reaches children and families early, before a risk turns into harm, is cheaper for society and better for the child."},
	{Item: Item{Kind: KindPriority, Slug: "sexual-abuse-and-exploitation", Topic: "exploitation", SortKey: 3},
		Title: "Protecting children from sexual abuse and exploitation", Summary: "Including exploitation online and children offered money or other rewards for sex.",
		Body:  "Protection from all forms of sexual exploitation and sexual abuse has been a priority since the 2009–2011 priority paper, which named unaccompanied and trafficked children, children abused in exchange for money or other rewards, and sexual exploitation online.",
		Links: []string{priorPap, moscow, robert}},
	{Item: Item{Kind: KindPriority, Slug: "migrant-and-trafficked-children", Topic: "trafficking", SortKey: 4},
		Title: "Protecting migrant children and child victims of trafficking", Summary: "Unaccompanied and trafficked children, and the National Contact Points who work for them.",
		Body:  "Children disappear from reception centres in one country and reappear in another; the same child may be counted twice. The National Contact Points on unaccompanied and trafficked children exchange information in individual cases, and the Expert Group works for comparable figures and better information processes across borders.",
		Links: []string{bsrImpt, seminar2}},
	{Item: Item{Kind: KindPriority, Slug: "children-in-alternative-care", Topic: "care", SortKey: 5},
		Title: "The rights of children in alternative care", Summary: "Children in institutions and other forms of care outside their home, and young people leaving care.",
		Body:  "Children in institutions and in other forms of out-of-home care have the same rights as every child. The Expert Group pays particular attention to the transition of young people leaving care.",
		Links: []string{doorOpen}},

	// The Expert Group: members and meetings.
	{Item: Item{Kind: KindMember, Slug: "chair-denmark", Country: "DK", SortKey: 1,
		Meta: map[string]string{"position": "chair", "person": "Mr Bertil Mahs, Director", "ministry": "Danish Ministry of Welfare, National Board of Social Services", "term": "2009–2010"}},
		Title: "Chair – Denmark", Summary: "Denmark holds the chair of the Expert Group.",
		Body: "Represented by the Danish Ministry of Welfare, National Board of Social Services."},
	{Item: Item{Kind: KindMember, Slug: "vice-chair-poland", Country: "PL", SortKey: 2,
		Meta: map[string]string{"position": "vice_chair", "person": "Ms Małgorzata Skórka, Major Specialist", "ministry": "Polish Ministry of National Education", "term": "2009–2010"}},
		Title: "Vice-chair – Poland", Summary: "Poland holds the vice-chair of the Expert Group.",
		Body: "Represented by the Polish Ministry of National Education."},
	{Item: Item{Kind: KindMeeting, Slug: "egcc-vilnius-2009", Country: "LT", StartsOn: "2009-10-07", EndsOn: "2009-10-08",
		Meta: map[string]string{"host": "Lithuanian Ministry of Social Security and Labour", "place": "Vilnius"}},
		Title: "Meeting of the Expert Group, Vilnius, October 2009", Summary: "The Expert Group met in Vilnius on 7–8 October 2009 at the invitation of the Lithuanian Ministry of Social Security and Labour.",
		Body: "The meeting took place alongside the conference *Keeping the Door Open – Support to Young People Leaving Care*. The minutes are published with the meeting.", Links: []string{doorOpen, annual}},
	{Item: Item{Kind: KindMeeting, Slug: "egcc-warsaw-2010", Country: "PL", StartsOn: "2010-04-15", EndsOn: "2010-04-16",
		Meta: map[string]string{"host": "Polish Ministry of National Education", "place": "Warsaw"}},
		Title: "Meeting of the Expert Group, Warsaw, April 2010", Summary: "The Expert Group met in Warsaw on 15–16 April 2010 at the invitation of the Polish Ministry of National Education.",
		Body: "The minutes of the meeting are published with it.", Links: []string{annual}},
}
