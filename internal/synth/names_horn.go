package synth

// Names from the Horn of Africa. Somali children carry their father's and
// grandfather's names; the "family name" is the father's given name, and
// Somali orthography writes ħ as x and ʿ as c (Maxamed = Mohamed, Cabdi =
// Abdi, Xasan = Hassan), beside the English and Arabic spellings. Eritrean
// (Tigrinya) names come from Ge'ez script, so the same name is written Tesfay,
// Tesfai or Tesfaye and compounds are joined or split (Ghebremedhin,
// Gebre-Medhin); the family name is again the father's name.

var soGivenM = latin(`
Mohamed|Mohammed|Maxamed|Mohamad; Abdi|Cabdi; Ahmed|Axmed|Ahmad; Ali|Cali; Hassan|Xasan|Hasan;
Omar|Cumar; Abdullahi|Cabdullaahi|Abdulahi; Abd:Rahman|Raxmaan; Yusuf|Yuusuf|Yousuf; Ibrahim|Ibraahim;
Ismail|Ismaaciil|Ismaciil; Hussein|Xuseen|Husein; Osman|Cismaan|Usman; Mahad; Mustafe|Mustafa;
Khalid|Khaalid; Bashir|Bashiir; Farah|Faarax; Hamza|Xamse|Hamse; Abd:Karim|Kariim; Abd:Aziz|Casiis;
Said|Saciid|Saeed; Liban|Liibaan; Guled|Guuleed; Bilal|Bilaal; Musa|Muuse|Moussa; Idris|Idiris;
Zakariye|Zakaria|Sakariye; Ayanle; Jama|Jaamac; Nur|Nuur|Noor; Salah|Salax; Abd:Wali; Anwar|Anwaar;
Ilyas|Ilyaas; Warsame; Yahye|Yahya; Sharmarke; Faisal|Faysal; Mohamud|Maxamuud|Mahmoud; Aden|Aadan|Adan;
Ayub|Ayuub; Dahir|Daahir; Shafi|Shaafi
`, zipfGiven)

var soGivenF = latin(`
Fadumo|Faadumo|Fatuma|Fatima; Halima|Xaliimo|Halimo; Khadra|Khadro; Hodan; Sahra|Sahro|Zahra;
Ayaan|Ayan; Hibo; Ifrah|Ifra; Maryan|Maryam|Mariam; Amina|Aamina; Nimco|Nimo; Hamdi; Sagal; Ubah|Ubax;
Ruqiya|Ruqiyo|Ruqaya; Ladan|Ladaan; Ilhan|Ilhaan; Deeqa|Deka; Hawa|Xawa; Istar; Nasra|Nasro;
Asha|Caasha|Aisha; Zamzam; Samira|Samiira; Suad|Sucaad; Fardowsa|Firdaus|Fardosa; Hafsa|Xafsa; Idil;
Najma; Sabrina; Safiya|Safiyo; Anisa|Aniisa; Hanan|Xanaan; Hinda; Kaltun|Kaltuun; Luul; Muna;
Naima|Nacima; Rahma|Raxma; Sacdiya|Saida; Shukri; Yasmin|Yasmiin; Zeynab|Zainab|Seynab; Bilan|Bilaan
`, zipfGiven)

var soFamilyList = latin(`
Mohamed|Maxamed|Mohammed; Ali|Cali; Hassan|Xasan; Abdi|Cabdi; Ahmed|Axmed; Omar|Cumar; Hussein|Xuseen;
Yusuf|Yuusuf; Ismail|Ismaaciil; Ibrahim|Ibraahim; Osman|Cismaan; Farah|Faarax; Nur|Nuur; Jama|Jaamac;
Warsame; Aden|Aadan|Adan; Mohamud|Maxamuud; Abdullahi|Cabdullaahi; Hersi|Xirsi; Egal|Cigaal;
Dahir|Daahir; Guled|Guuleed; Samatar; Elmi|Cilmi; Duale|Ducaale; Shire|Shirre; Gedi|Geedi;
Hashi|Xaashi; Musse|Muuse|Musa; Isse|Ciise|Issa; Abdirahman|Cabdiraxmaan; Barre|Barreh; Bashir|Bashiir;
Dirie|Diiriye; Salad|Salaad; Abukar|Abubakar; Awale|Cawaale; Sheikh|Sheekh; Jibril|Jibriil;
Wehliye|Wehlie; Mire|Miire; Yasin|Yaasiin; Roble|Rooble; Gure|Guure
`, zipfFamily)

var erGivenM = latin(`
Yonas|Yonatan; Yohannes|Johannes|Yohanes; Filmon|Filimon; Biniam|Biniyam|Bineyam; Semere|Semre; Daniel;
Dawit|Dawitt; Samuel|Samiel; Michael|Mikael|Mikiel; Tesfay|Tesfai|Tesfaye; Robel; Aron|Aaron;
Kibrom|Kbrom; Mebrahtu|Mebrahtom; Yemane|Yemani; Habtom|Habtu; Amanuel|Emanuel; Henok|Henock;
Efrem|Ephrem; Natnael|Nathnael|Nathanael; Abel; Ermias|Ermiyas; Merhawi|Merhawie; Senay|Senai;
Tedros|Tewodros; Yosief|Yosef|Yoseph; Mussie|Musie; Awet; Berhane|Berhan; Teklit; Fitsum; Nahom|Nahome;
Kidane; Haben; Goitom; Solomon|Selomon; Simon|Simeon; Isaias|Isayas; Hagos; Eyob|Iyob; Mulugeta;
Idris|Edris; Sami|Samie
`, zipfGiven)

var erGivenF = latin(`
Selam|Salam; Helen|Helena; Senait|Senayt; Saba; Luwam|Luam; Yordanos|Jordanos; Ruth; Feven|Fiven;
Semhar; Winta|Wintana; Eden; Freweini|Frewoini|Fraweini; Hiwet; Meron; Milen; Rahel|Rachel; Tsega;
Mebrat; Hana|Hanna; Salina; Mahlet; Elsa; Aster; Lidia|Lydia; Natsnet; Sara|Sarah; Kisanet;
Adiam; Yohana; Bisrat; Nardos; Hermon; Bethlehem|Betelhem; Tsigereda; Medhanit; Almaz; Akberet;
Abrehet|Abrehat; Mihret|Mehret; Rigat; Zewdi; Fana; Segen; Lula
`, zipfGiven)

var erFamilyList = latin(`
Tesfay|Tesfai|Tesfaye; Tekle|Teklay|Teklai; Kidane|Kidanu; Berhane|Berhe; Haile;
Ghebremedhin|Gebremedhin|Gebre-Medhin|Ghebre Medhin; Ghebreyesus|Gebreyesus|Gebre-Yesus;
Woldemariam|Weldemariam|Wolde Mariam|Weldemaryam; Habte|Habtai; Tsegay|Tsegai|Tsegaye; Mehari|Mehary;
Yemane|Yemani; Andemariam|Andemaryam; Asmerom; Tewelde|Teweldebrhan; Ghirmay|Girmay|Girmai;
Kahsay|Kahsai; Mesfin; Gebrehiwet|Ghebrehiwet|Gebre-Hiwet; Negash; Okbamichael|Okbamikael;
Zerai|Zeray; Ogbazghi|Okbazghi; Debesay|Debessai; Fessehaye|Fisehaye|Fesehaye; Araya; Yohannes|Yohanes;
Tekeste; Russom|Rusom; Weldu|Woldu; Hagos; Gebru|Ghebru; Abraha|Abrha; Idris|Edris; Mohammed|Mohamed;
Estifanos|Stefanos; Ghebrezgabiher|Gebrezgabher; Amanuel|Emanuel; Goitom; Mengisteab|Mengstab;
Solomon|Selomon; Tesfamariam|Tesfamaryam; Berhe|Berhie
`, zipfFamily)

// The family name of a Somali or Eritrean child is its father's given name:
// the lists above hold the most frequent, the given names the rest.
var (
	soFamily = derived(soFamilyList, zipfFamily, soGivenM, affix{})
	erFamily = derived(erFamilyList, zipfFamily, erGivenM, affix{})
)
