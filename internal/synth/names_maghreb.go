package synth

// Moroccan names. Spellings follow French transliteration (Youssef, Ayoub,
// Othmane, Chaimae), often beside the English one (Yusuf, Othman, Shaima);
// family names carry El, Ben and Ait particles written in several ways.

var maGivenM = latin(`
Mohamed|Mohammed|Mohamad|Muhammad; Youssef|Yousef|Yusuf|Youssouf; Adam|Adem; Ayoub|Ayyoub|Ayub;
Amine|Amin; Hamza|Hamzah; Yassine|Yasin|Yassin; Anas; Ilyas|Ilias|Elias|Ilyass; Mehdi|Mahdi;
Zakaria|Zakariya|Zakariae; Othmane|Othman|Outhmane; Soufiane|Sofiane|Sufyan; Achraf|Ashraf;
Ismail|Smail|Ismael; Bilal; Rayan|Rayane|Ryan; Walid|Oualid; Khalid|Khaled; Reda|Rida; Abd:Ilah;
Abdellah|Abdallah|Abdullah; Abd:Karim; Nabil; Karim|Kareem; Omar|Oumar; Ali; Said|Saïd|Saeed;
Aymane|Ayman; Badr|Badre; Marouane|Marwan; Imad|Imade; Taha; Salaheddine|Salah Eddine|Salah al-Din;
Zouhair|Zuhair; Hicham|Hisham; Jawad|Jaouad; Mourad|Murad; Nizar; Tarik|Tariq|Tarek;
Noureddine|Nour Eddine|Nur al-Din; Abd:Samad; Driss|Idriss|Idris; Hassan|Hasan
`, zipfGiven)

var maGivenF = latin(`
Fatima|Fatma|Fatimah; Khadija|Khadidja|Khadijah; Salma|Selma; Aya|Ayah; Imane|Iman; Hiba|Heba;
Meryem|Maryam|Mariam; Nour|Noor; Malak; Hajar|Hajer; Chaimae|Chaima|Shaima; Douae|Doaa|Dua;
Oumaima|Omaima|Umaima; Rania; Sara|Sarah; Yasmine|Yasmina; Zineb|Zainab|Zaynab; Asmae|Asmaa|Asma;
Kawtar|Kaoutar|Kawthar; Ikram; Siham; Soukaina|Sukaina|Soukayna; Houda|Huda; Nadia; Wiam|Wiame;
Safae|Safaa|Safa; Ibtissam|Ibtisam; Loubna|Lubna; Amina; Latifa; Naima|Naïma; Rajae|Raja; Samira;
Hanane|Hanan; Fadwa|Fadoua; Ghita; Widad|Ouidad; Nisrine|Nisreen; Ilham; Majda; Hind; Sanae|Sanaa;
Btissam|Ibtissam; Sofia|Soufia
`, zipfGiven)

var maFamilyList = latin(`
El:Amrani; El:Idrissi|Idrisi; Alaoui|Alaui; Bennani; Tazi; Berrada; Chraibi|Chraïbi; Ouazzani|Wazzani;
Ben:Jelloun; Lahlou; El:Fassi; Zerouali; Ben:Kirane; Bouzid; El:Khattabi; Ait:Ahmed; Ben:Ali;
El:Mansouri; Benchekroun; El:Haddad; Boukhari|Bukhari; El:Ouafi; Ziani; Cherkaoui; Rahmouni;
Saidi|Saïdi; Tahiri; Bouazza; El:Kadiri|Qadiri; Belhaj|Bel Hadj; Azzouzi; Hamdaoui; Bakkali;
Ait:Ouali; Nejjar|Najjar; Ouali; El:Bouzidi; Moussaoui|Mousaoui; Jebari|Jabri; Karimi; Mernissi;
Ghazouani; Lamrani; Ben:Moussa|Musa; El:Yacoubi|Yaakoubi
`, zipfFamily)

// maFamily adds patronymic family names (Benali, Benmoussa) and given names
// used as family names.
var maFamily = derived(maFamilyList, zipfFamily, maGivenM, affix{part: pBen}, affix{})
