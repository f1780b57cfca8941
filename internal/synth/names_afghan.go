package synth

// Afghan names (Dari and Pashto speakers). Given names are mostly of Arabic
// origin and are written in Latin letters from Perso-Arabic script, so the
// same name has several spellings (Mohammad/Muhammad/Mohammed). Family names
// are often tribal (-zai) or derived (-i, -zada); many children register
// without one and an official writes the father's or a tribal name.

var afGivenM = latin(`
Mohammad|Muhammad|Mohammed|Mohamad|Mohamed|Muhammed; Ahmad|Ahmed|Ahmet; Ali; Abd:Rahman|Rahmon;
Mustafa|Mostafa|Moustafa; Hamid|Hameed; Mahmood|Mahmud|Mahmoud; Hussain|Hussein|Husain|Hossein|Husayn;
Hassan|Hasan; Abdullah|Abdollah|Abdulla; Ullah:Zabih|Zabi; Rahim|Raheem; Karim|Kareem; Javid|Jawid|Javed;
Farid|Fareed; Jawad|Javad; Sayed|Sayyed|Syed|Said; Naveed|Navid|Nawid; Omid|Umid; Reza|Raza|Riza;
Yousuf|Yusuf|Yousef|Yosuf; Ullah:Sami|Sam; Ullah:Noor|Nur; Ehsan|Ihsan; Khalid|Khaled; Bilal|Belal;
Idris|Edris; Ibrahim|Ebrahim; Ismail|Esmail|Ismael; Amir|Ameer; Nasir|Naser|Nasser; Shafiq|Shafeeq;
Sohail|Suhail; Wahid|Waheed; Zubair|Zobair|Zubayr; Murtaza|Mortaza; Hamza|Hamzah; Fawad|Fuad;
Sajjad|Sajad; Elyas|Ilyas|Elias; Habib|Habeeb; Ullah:Rahmat|Rahmad; Ullah:Asad|Asat; Ullah:Obaid|Ubaid;
Ullah:Hekmat|Hikmat; Mirwais|Mir Wais|Mirways; Aziz|Azeez; Jamshid|Jamshed; Najib|Najeeb; Qasim|Kasim|Qassem;
Abd:Wahid|Waheed; Abd:Basir|Baseer
`, zipfGiven)

var afGivenF = latin(`
Fatima|Fatema|Fatemeh|Fatimah; Maryam|Mariam|Marjam; Zahra|Zohra|Zahraa; Zainab|Zaynab|Zeinab;
Masooma|Masuma|Masoumeh|Masoume; Sakina|Sakineh|Sakeena; Nargis|Narges; Parwana|Parvana|Parwane; Shabnam;
Freshta|Fereshta|Fereshteh; Mursal|Morsal; Madina|Medina; Marwa|Marwah; Mahsa; Somaya|Sumaya|Somayeh;
Sadia|Sadiya; Hadia|Hadiya; Khadija|Khadijah|Khadidja; Laila|Layla|Leila; Nazanin; Nilofar|Nilufar|Nilofer;
Parisa; Roya|Rooya; Sahar; Samira|Sameera; Shakila|Shakeela; Soraya|Suraya; Tamana|Tamanna; Yalda;
Zarghuna|Zarghona; Aziza|Azeeza; Farzana|Farzaneh; Gulalai|Gulalay; Habiba|Habeeba; Hasina|Haseena;
Malalai|Malalay; Mina|Meena; Nadia|Nadiya; Nasrin|Nasreen; Rahima|Raheema; Shukria|Shukriya;
Wahida|Waheeda; Zakia|Zakiya; Arezo|Arezoo|Arzo; Basira|Baseera; Muska|Muzhda; Sima|Seema; Tahmina|Tahmineh
`, zipfGiven)

var afFamilyList = latin(`
Ahmadi|Ahmady; Mohammadi|Muhammadi|Mohamadi; Rahimi|Raheemi; Hussaini|Husaini|Hosseini|Hussainy;
Sultani|Soltani; Haidari|Heidari|Haydari|Haideri; Karimi|Kareemi; Noori|Nouri|Nuri; Rezaei|Rezaie|Rezai|Rezayee;
Jafari|Jaafari|Jaffari; Hashimi|Hashemi; Sadat|Sadaat; Popal; Stanekzai|Stanikzai; Wardak|Wardag;
Durrani|Durani; Safi; Amiri|Ameeri; Azizi; Habibi; Hakimi; Hamidi|Hameedi; Jalali; Kakar|Kakkar; Khan;
Mansoori|Mansouri|Mansuri; Nazari; Niazi; Noorzai|Nurzai; Omari|Umari; Qaderi|Qadiri|Ghaderi; Rahmani;
Rasuli|Rasooli|Rasouli; Sharifi; Shinwari; Taheri|Tahiri; Yousufzai|Yusufzai|Yousafzai; Zazai;
Alizada|Alizadeh|Alizade; Akbari; Ghafoori|Ghafuri; Hotak; Barakzai; Ahmadzai; Samadi; Faizi;
Nabizada|Nabizadeh; Sediqi|Siddiqi|Sedighi; Mohseni|Muhsini; Ibrahimi|Ebrahimi; Yaqubi|Yaghoubi|Yakubi;
Moradi|Muradi; Hazara; Rasikh; Sahak; Mojadidi|Mujaddidi
`, zipfFamily)

// afFamily adds family names formed from given names as Afghans form them:
// Ahmadi, Ahmadzai, Ahmadzada, Ahmadyar.
var afFamily = derived(afFamilyList, zipfFamily, afGivenM,
	affix{suffixes: []string{"i", "y"}}, affix{suffixes: []string{"zai", "zay"}},
	affix{suffixes: []string{"zada", "zadeh", "zade"}}, affix{suffixes: []string{"yar"}})
