package synth

// Arabic names of children from Syria and Iraq. Given names are shared;
// family names differ: Syrian ones are often Levantine trade or place names,
// Iraqi ones tribal nisbas with the article (Al-Jubouri). Every spelling in
// a group is a transliteration actually used in documents; the particle
// (Al-, El, assimilated Ash-) varies separately (see Errors.Particle).

var arGivenM = latin(`
Mohammed|Muhammad|Mohamad|Mohamed|Mohammad|Muhammed; Ahmad|Ahmed; Ali; Omar|Umar|Omer;
Hussein|Husain|Hussain|Hossein; Hassan|Hasan; Abdullah|Abdallah|Abdulla; Abd:Rahman; Khaled|Khalid;
Youssef|Yousef|Yusuf|Yousif; Mahmoud|Mahmud|Mahmood; Mustafa|Mostafa|Moustafa; Ibrahim|Ebrahim|Ibraheem;
Hamza|Hamzah; Yazan|Yazen; Karim|Kareem; Abd:Aziz; Amir|Ameer; Bilal|Belal; Anas; Adam|Adem;
Ayman|Aiman; Tareq|Tariq|Tarek|Tarik; Jamal|Gamal; Zaid|Zayd|Zeid; Majd; Mohanad|Muhannad|Mohannad;
Abbas; Haidar|Haider|Hayder; Murtada|Murtadha|Mortada; Ammar|Amar; Sajjad|Sajad; Qusay|Qusai|Kusai;
Osama|Usama|Oussama; Rami|Ramy; Fadi|Fady; Wael|Wail; Firas|Feras; Adnan; Saif|Sayf|Seif;
Yahya|Yehia|Yahia; Suleiman|Sulaiman|Sleiman|Soliman; Abd:Karim|Kareem; Jaafar|Jafar|Jaffar;
Mohsen|Muhsin|Mohsin; Ismail|Ismael|Esmail; Laith|Leith|Layth; Abd:Qadir|Kader|Qader
`, zipfGiven)

var arGivenF = latin(`
Fatima|Fatma|Fatimah|Fatemah; Maryam|Mariam|Mariem; Zainab|Zaynab|Zeinab; Aisha|Aysha|Aicha|Ayesha;
Noor|Nour|Nur; Hiba|Heba; Sara|Sarah; Rahaf; Layla|Laila|Leila|Leyla; Rania|Raniya; Lana; Jana; Malak;
Hala; Shahd; Yasmin|Yasmine|Jasmin; Reem|Rim; Rana; Amal; Asma|Asmaa; Duaa|Doaa|Dua; Israa|Esraa|Isra;
Ruqayya|Ruqaya|Rukaya|Roqaya; Zahraa|Zahra; Hawraa|Hawra; Huda|Houda|Hoda; Hanan; Amina|Aminah|Ameena;
Khadija|Khadijah|Khadeeja; Salma|Selma; Batoul|Batool|Batul; Tasneem|Tasnim; Iman|Eman; Marwa|Marwah;
Nada; Bushra|Boushra; Alaa|Ala; Ghazal; Rawan; Sidra|Sedra; Dima; Lujain|Loujain|Lojain; Raghad;
Safa|Safaa; Joud|Jud; Bayan; Hadeel|Hadil
`, zipfGiven)

var syFamilyList = latin(`
Al:Hassan|Hasan; Al:Ahmad|Ahmed; Al:Ali; Al:Khatib|Khateeb; Haddad; Al:Hussein|Husein|Hussain;
Al:Omar|Umar; Al:Mohammad|Muhammad|Mohammed; Othman|Osman|Uthman; Al:Shami; Darwish|Darwich|Derwish;
Hamdan; Al:Saleh|Salih; Suleiman|Sulaiman|Sleiman; Ibrahim|Ibraheem; Mansour|Mansur; Khalil|Khaleel;
Al:Halabi; Qasim|Kassem|Qassem|Kasim; Al:Kurdi; Jaber|Jabir; Nasser|Naser|Nasir; Hammoud|Hamoud|Hamud;
Al:Hamad; Al:Jassem|Jasim|Jassim; Zaher|Zahir; Mahmoud|Mahmud; Ayoub|Ayub|Ayyoub; Sabbagh; Al:Masri;
Al:Sayed|Sayyid|Sayyed; Al:Sheikh|Shaikh; Khoury|Khouri; Al:Najjar; Al:Rifai|Refaai; Al:Zoubi|Zubi;
Al:Abdullah|Abdallah; Hallak|Hallaq; Al:Aswad; Al:Hariri; Shaaban|Chaaban|Shaban; Al:Hamwi;
Al:Issa|Eissa; Ismail|Ismael; Al:Tawil|Taweel
`, zipfFamily)

var iqFamilyList = latin(`
Al:Jubouri|Jaburi|Juburi; Al:Dulaimi|Duleimi; Al:Tamimi|Temimi; Al:Obaidi|Ubaidi; Al:Shammari|Shamari;
Al:Zubaidi|Zubeidi; Al:Saadi|Sa'adi; Al:Bayati; Al:Musawi|Mousawi|Moussawi; Al:Hashimi|Hashemi;
Al:Khafaji; Al:Rubaie|Rubaye|Rubaiy; Al:Ani; Al:Azzawi; Al:Janabi; Al:Kubaisi|Qubaisi; Al:Hakim|Hakeem;
Al:Maliki; Kareem|Karim; Hamid|Hameed; Al:Lami; Al:Mayahi; Al:Sudani; Al:Saidi; Al:Asadi; Al:Kaabi|Kabi;
Al:Bahadli; Al:Fatlawi; Al:Hilli; Al:Rikabi; Al:Shawi; Al:Khazraji; Jaff|Jaf; Rashid|Rasheed;
Ahmed|Ahmad; Mohammed|Muhammad; Hussein|Husain; Abbas; Jawad|Jawaad; Kadhim|Kazim|Kathim|Kadim; Salman;
Al:Timimi|Tameemi; Al:Najafi; Al:Karbalai|Karbalaei
`, zipfFamily)

// syFamily adds family names that are given names, with and without the
// article (Khalil, Al-Ahmad); iqFamily adds the grandfather's given name,
// which Iraqi registrations often carry as the family name.
var (
	syFamily = derived(syFamilyList, zipfFamily, arGivenM, affix{part: pAl}, affix{})
	iqFamily = derived(iqFamilyList, zipfFamily, arGivenM, affix{}, affix{part: pAl})
)
