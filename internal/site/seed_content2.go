package site

// Projects, events, publications and news named by the annual report.
var seedActivities = []seedItem{
	{Item: Item{Kind: KindProject, Slug: "bsr-impt", Topic: "trafficking", StartsOn: "2009-12-01", EndsOn: "2010-12-31",
		Meta: map[string]string{"project_status": "completed", "time_frame": "December 2009 – December 2010",
			"financing": "EUR 100 000: European Commission (Daphne III) 80%, the Expert Group and partners 20%",
			"partners":  "Save the Children Denmark; Caritas Lithuania; Tartu Child Support Centre, Estonia"}},
		Title:   "BSR IMPT – Baltic Sea Region Information Management to Prevent Trafficking",
		Summary: "A twelve-month project, funded by the EU's Daphne III programme, on how information about trafficked and exploited children can be managed and shared in the region.",
		Body: `The Expert Group received an EU grant from the Daphne III programme for **BSR IMPT**, run with three non-governmental partners: Save the Children Denmark, Caritas Lithuania and the Tartu Child Support Centre in Estonia.

## Aims

To understand how cases of trafficking and exploitation of children are identified, recorded and shared between sectors and countries, and what stands in the way.

## How

Three expert seminars and a written report based on interviews with stakeholders across the region. The first seminar, in Vilnius, looked at the links between sexual abuse and exploitation of children and trafficking. The second, in Copenhagen, looked at children seeking asylum, children on the move, and trafficking.

## Outcome

Reports from the expert seminars; the final report was published in December 2010.`,
		Links: []string{seminar1, seminar2, "publication/bsr-impt-final-report"}},
	{Item: Item{Kind: KindProject, Slug: "robert", Topic: "online", StartsOn: "2010-06-01", EndsOn: "2012-06-30",
		Meta: map[string]string{"project_status": "running", "time_frame": "June 2010 – June 2012",
			"financing": "EUR 400 000: European Commission Safer Internet Programme, 100%",
			"partners":  "Coordinated by the Expert Group with four universities and four NGOs"}},
		Title:   "ROBERT – Risktaking Online Behaviour – Empowerment through Research and Training",
		Summary: "Research and training on why some young people take risks online that lead to abuse, and how professionals can help them stay safe.",
		Body: `**ROBERT** (Risktaking Online Behaviour – Empowerment through Research and Training) was prepared by the secretariat and accepted for funding by the European Commission's Safer Internet Programme.

The project studies young people's own view of online dangers and online abuse, so that professionals who work with children can build ways of helping that start from how young people see their online world.

The Expert Group coordinates it in partnership with four universities and four non-governmental organisations.`,
		Links: []string{moscow, "news/robert-accepted"}},
	{Item: Item{Kind: KindProject, Slug: "swedish-action-plan-expert-input", Country: "SE", Topic: "trafficking", StartsOn: "2008-11-01", EndsOn: "2010-12-31",
		Meta: map[string]string{"project_status": "completed", "time_frame": "November 2008 – December 2010", "financing": "Swedish government",
			"partners": "Swedish UNICEF; Swedish Crime Victim Compensation and Support Authority"}},
		Title:   "Expert input to Sweden's action plan against prostitution and human trafficking",
		Summary: "The secretariat contributed to three actions of the Swedish government's plan, building on experts trained by the Expert Group in 2005–2007.",
		Body: `The Expert Group, through its secretariat, supported three actions of the Swedish government's plan against prostitution and human trafficking:

- support to the Swedish experts trained in the Expert Group's two-year training of 2005–2007, who now pass on their knowledge in targeted seminars to colleagues in child protection services, migration centres and youth institutions;
- regional knowledge on child trafficking for the training seminars Swedish UNICEF organised across Sweden;
- presentations at seminars for legal professionals organised by the Swedish Crime Victim Compensation and Support Authority.`},
	{Item: Item{Kind: KindProject, Slug: "media-against-trafficking-north-west-russia", Country: "RU", Topic: "trafficking",
		Meta: map[string]string{"project_status": "completed", "financing": "Nordic Council of Ministers", "partners": "Save the Children Denmark (implementing)"}},
		Title:   "Preventing trafficking in North-West Russia through media productions",
		Summary: "The Expert Group sat on the advisory group of this project of Save the Children Denmark.",
		Body:    "A project financed by the Nordic Council of Ministers and implemented by Save the Children Denmark. The Expert Group was a member of its advisory group. The seed documents do not give its time frame."},
	{Item: Item{Kind: KindProject, Slug: "innocenti-online-offline-research", Topic: "online",
		Meta: map[string]string{"project_status": "completed", "financing": "UNICEF Innocenti Research Centre"}},
		Title:   "Advice to UNICEF Innocenti's research on child protection online and offline",
		Summary: "The secretariat sat on the advisory board of the research on child protection in the converged online and offline world.",
		Body:    "The Expert Group contributed to the research report and put the study in touch with professionals in different parts of the region."},

	{Item: Item{Kind: KindEvent, Slug: "bsr-impt-seminar-vilnius", Country: "LT", Topic: "exploitation", Year: 2010,
		Meta: map[string]string{"event_type": "expert_meeting", "place": "Vilnius", "organiser": "Expert Group for Cooperation on Children at Risk",
			"partners": "Save the Children Denmark; Caritas Lithuania; Tartu Child Support Centre"}},
		Title:   "Expert seminar 1 of 3: sexual abuse and sexual exploitation of children and links to trafficking",
		Summary: "The first BSR IMPT seminar, in Vilnius, brought experts from several sectors and countries together on the links between sexual exploitation and trafficking.",
		Body: `Participants described the situation in their countries and how the sectors work together. Meeting face to face proved essential: in a field where only a few signs and cases are visible — the tip of the iceberg — knowledge grows from shared experience.

## Challenges named

- diverging interests and a politicised issue: non-conforming numbers and statistics, some working from a social viewpoint, others from crime;
- the state decides and coordinates, while municipalities provide protection: information must flow both ways;
- rules of secrecy make sharing information and tracing children a major challenge;
- few cases reach a conviction, for lack of evidence;
- countries define trafficking differently and offer different services: how to handle a case across borders?

## New areas of concern

Children of women trafficked for prostitution; children of prostitutes whose status in the country of residence is unclear; new tourist areas around Europe, the Black Sea and the Baltic Sea; and babies sold into a commercial market for adoption.`,
		Links: []string{"publication/bsr-impt-seminar-1-report"}},
	{Item: Item{Kind: KindEvent, Slug: "bsr-impt-seminar-copenhagen", Country: "DK", Topic: "migration", Year: 2010,
		Meta: map[string]string{"event_type": "expert_meeting", "place": "Copenhagen", "organiser": "Expert Group for Cooperation on Children at Risk",
			"partners": "Save the Children Denmark; Caritas Lithuania; Tartu Child Support Centre"}},
		Title:   "Expert seminar 2 of 3: migrant children and children in the asylum system at risk of exploitation",
		Summary: "The second BSR IMPT seminar, in Copenhagen, looked at children seeking asylum, children on the move, and trafficking.",
		Body: `## Questions raised

- How to obtain reliable figures on child victims of trafficking, build trust between sectors and avoid reporting the same child twice.
- Identification procedures differ between countries.
- Children disappear from asylum centres — sometimes, under the Dublin II rules, to avoid being sent back to the first country of arrival. What happens to them?
- Asylum centres under pressure cannot fulfil the rights of unaccompanied children.
- Children in "false families"; street children; minors in ethnic minority communities (for instance Vietnamese communities in Lithuania and Poland).
- Is detention protection or a violation of the child's rights? How does age assessment affect a child's rights?
- Children exploited for drug crime and robbery.
- **The same individuals move from country to country.** Better processes are needed to combine, check and share information across borders — yet cases based only on suspicion are hard, and probably questionable, to share.`,
		Links: []string{"publication/bsr-impt-seminar-2-report"}},
	{Item: Item{Kind: KindEvent, Slug: "child-safety-internet-moscow-2009", Country: "RU", Topic: "online", StartsOn: "2009-11-12", EndsOn: "2009-11-13",
		Meta: map[string]string{"event_type": "conference", "place": "Moscow", "organiser": "Expert Group for Cooperation on Children at Risk",
			"financing": "EUR 150 000: European Commission Safer Internet Programme, 100%"}},
		Title:   "Child Safety on the Internet – Prevention, Education and Cooperation",
		Summary: "A conference in Moscow where 120 Russian experts and 50 experts from the region and the EU discussed research, law and prevention for a safer internet for children.",
		Body: `About 120 Russian experts and 50 experts from the region and other EU member states presented and discussed research, legislation and preventive work.

## Conclusions by theme

- **Legislation**: Russian and European law are both changing; countries have much to learn from each other. The Expert Group will follow developments, promote the exchange of legislation, and support protection in line with the Council of Europe's 2007 Convention on the Protection of Children against Sexual Exploitation and Sexual Abuse.
- **Child protection and rehabilitation**: there is an urgent need for knowledge about how abusive online experiences affect children, to inform policy and law.
- **Industry**: Russian telecom companies showed strong interest; the Expert Group will raise their questions within the CBSS.
- **Law enforcement**: cooperation between police and everyone else working for child safety online must improve.
- **Research**: researchers in Europe and Russia should work more together, across language barriers.

The conclusions were part of the Expert Group's input to the Baltic Sea regional summit in Vilnius.`,
		Links: []string{"publication/child-safety-internet-conference-report"}},
	{Item: Item{Kind: KindEvent, Slug: "keeping-the-door-open-2009", Country: "LT", Topic: "care", StartsOn: "2009-10-06", EndsOn: "2009-10-07",
		Meta: map[string]string{"event_type": "conference", "place": "Vilnius", "organiser": "Expert Group with the Lithuanian Ministry of Social Security and Labour",
			"partners":  "Council of Europe; SOS Children's Villages; UNICEF",
			"financing": "Lithuanian Ministry of Social Security and Labour; the Expert Group; Council of Europe; SOS Children's Villages International; Sida Baltic Sea Unit"}},
		Title:   "Keeping the Door Open – Support to Young People Leaving Care",
		Summary: "A conference in Vilnius with 100 participants from all over Europe, among them some 20 young people with experience of care.",
		Body: `Participants presented good practice in supporting young people leaving care with education, work, housing, and social and emotional well-being.

## Conclusions

- **Emotional stability and social well-being**: every young person's pathway plan must reflect their own background and needs; support must be flexible and continuous; life skills matter; gender shapes the transition to independence.
- **Education**: a good education is one of the main keys to reaching one's goals — and care workers' low expectations can discourage young people. Every child in care needs an individual education plan, and care leavers need financial means to reach higher education.
- **Employment**: the young participants asked for training in writing a CV and applications and in job interviews, career guidance, action against discrimination by employers, subsidised jobs, and carers who encourage and motivate.
- **Housing**: the transition can be long; institutions can provide housing after 18; governments should budget for housing support and set minimum standards.

Throughout, participants stressed that professionals who support young people need recognition and support from decision-makers.`,
		Links: []string{"publication/keeping-the-door-open-report", vilniusMt}},

	{Item: Item{Kind: KindPublication, Slug: "egcc-annual-report-2009-2010", Year: 2010, Meta: map[string]string{"pub_type": "report"}},
		Title: "Annual report of the Expert Group and the Children's Unit, 2009–2010", Summary: "What the Expert Group and its secretariat did during the year: meetings, projects, conferences and expert input.",
		Body:  "The report describes the composition of the Expert Group, its two meetings, the priorities for 2009–2011, the projects BSR IMPT and ROBERT, the conferences in Moscow and Vilnius, the National Contact Points, and the work of the Children's Unit.",
		Links: []string{egPage, unitPage, bsrImpt, robert, moscow, doorOpen}},
	{Item: Item{Kind: KindPublication, Slug: "egcc-priorities-2009-2011", Topic: "exploitation", Year: 2009, Meta: map[string]string{"pub_type": "report"}},
		Title: "Priorities of the Expert Group, 2009–2011", Summary: "The priority paper guiding the Expert Group's work until 2011.",
		Body: `The priority paper focuses on:

- protecting children from all forms of sexual exploitation — unaccompanied and trafficked children, children abused in exchange for money or other rewards, and sexual exploitation online;
- protecting children from all forms of sexual abuse and sexual violence;
- the rights of children in institutions and other forms of out-of-home care.`},
	{Item: Item{Kind: KindPublication, Slug: "bsr-impt-final-report", Topic: "trafficking", Year: 2010, Meta: map[string]string{"pub_type": "report"}},
		Title: "BSR IMPT final report", Summary: "The final report of the project, built on the three expert seminars and interviews with stakeholders, published in December 2010.",
		Body: "The report brings together the findings of the three BSR IMPT expert seminars and interviews with stakeholders across the Baltic Sea Region on managing information to prevent the trafficking of children."},
	{Item: Item{Kind: KindPublication, Slug: "bsr-impt-seminar-1-report", Topic: "exploitation", Year: 2010, Meta: map[string]string{"pub_type": "report"}},
		Title: "Report: sexual abuse and sexual exploitation of children and links to trafficking", Summary: "Conclusions of the first BSR IMPT expert seminar, Vilnius.",
		Body: "The report of the first expert seminar: the situation in the participating countries, the challenges named, and new areas of concern."},
	{Item: Item{Kind: KindPublication, Slug: "bsr-impt-seminar-2-report", Topic: "migration", Year: 2010, Meta: map[string]string{"pub_type": "report"}},
		Title: "Report: children in the asylum system and children in migration — links to trafficking", Summary: "Conclusions of the second BSR IMPT expert meeting, Copenhagen.",
		Body: "The report of the second expert meeting, on migrant children and children in the asylum system at risk of exploitation."},
	{Item: Item{Kind: KindPublication, Slug: "child-safety-internet-conference-report", Topic: "online", Year: 2009, Meta: map[string]string{"pub_type": "report"}},
		Title: "Report: Child Safety on the Internet, Moscow 2009", Summary: "Presentations and the full report of the Moscow conference.",
		Body: "The full report of the conference, with its conclusions on legislation, child protection services, industry, law enforcement and research."},
	{Item: Item{Kind: KindPublication, Slug: "keeping-the-door-open-report", Topic: "care", Year: 2009, Meta: map[string]string{"pub_type": "report"}},
		Title: "Report: Keeping the Door Open – Support to Young People Leaving Care", Summary: "The report and presentations of the Vilnius conference on young people leaving care.",
		Body: "The conclusions of the conference, organised around its four themes: emotional stability and social well-being, education, employment and housing."},

	{Item: Item{Kind: KindNews, Slug: "robert-accepted", Topic: "online", Year: 2010},
		Title: "ROBERT accepted for funding", Summary: "The European Commission's Safer Internet Programme will fund the ROBERT project from June 2010 to June 2012.",
		Body: "The project *ROBERT – Risktaking Online Behaviour – Empowerment through Research and Training*, prepared by the secretariat, has been accepted for funding of EUR 400 000."},
	{Item: Item{Kind: KindNews, Slug: "daphne-grant-bsr-impt", Topic: "trafficking", Year: 2009},
		Title: "EU grant for a project against child trafficking", Summary: "The Expert Group has received a Daphne III grant for BSR IMPT.",
		Body: "The project will run for twelve months from December 2009 with Save the Children Denmark, Caritas Lithuania and the Tartu Child Support Centre."},
	{Item: Item{Kind: KindNews, Slug: "ndphs-associated-expert-group", Year: 2010},
		Title: "Associated expert group of the NDPHS", Summary: "The Expert Group has been an associated expert group of the Northern Dimension Partnership in Public Health and Social Well-being.",
		Body: "The association links the Expert Group's work on children at risk with the partnership's work on social well-being."},
}
