package synth

// Nigerian names (Igbo, Yoruba, Hausa and Edo: Benin City is the origin of
// many trafficked girls). Names are written in Latin letters; variants are
// short forms used interchangeably in registrations (Oluwaseun, Seun).

var ngGivenM = latin(`
Chinedu; Chukwuemeka|Emeka; Oluwaseun|Seun; Olumide|Mide; Babatunde|Tunde; Ifeanyi; Ikechukwu|Ike;
Obinna; Uchenna|Uche; Nnamdi; Chidi|Chidiebere; Kelechi; Adebayo|Bayo; Ayodele|Ayo; Oluwafemi|Femi;
Olusegun|Segun; Yusuf|Yusufu; Musa; Ibrahim; Abubakar|Abubakar Sadiq; Aliyu; Sani; Usman|Usmanu;
Daniel; David; Samuel; Emmanuel; Godwin; Joseph; Michael; Peter; Osagie; Osaretin|Osas; Efosa;
Osamudiamen|Osamu; Victor; Godspower; Princewill; Solomon; Chibuike|Chibuikem; Tobenna|Toby; Kingsley
`, zipfGiven)

var ngGivenF = latin(`
Blessing; Precious; Favour|Favor; Gift; Joy; Esther; Grace; Mercy; Chioma; Ngozi; Adaeze|Ada;
Amaka|Chiamaka; Ifeoma|Ify; Nneka; Funmilayo|Funmi; Folake; Temitope|Tope; Oluwabunmi|Bunmi; Bukola;
Aisha|Aishat; Zainab; Hauwa; Fatima|Fatimah; Amina|Aminat; Halima|Halimat; Princess; Osasere|Osas;
Efe; Ivie; Eki|Ekinadose; Patience; Faith; Peace; Comfort; Success; Miracle; Glory; Deborah; Ruth;
Osarugue|Rugue; Omosede|Sede; Uyi|Uyiosa
`, zipfGiven)

var ngFamily = latin(`
Okafor; Okonkwo; Eze; Nwosu; Obi; Okeke; Nnadi; Okoro; Chukwu; Adeyemi; Adebayo; Ogunleye; Oladipo;
Olawale; Bello; Ibrahim; Abubakar; Mohammed|Muhammed; Musa; Usman; Yusuf; Osagie; Osayande; Igbinedion;
Omoregie; Edosomwan; Ehigiator; Aigbe; Idahosa; Obaseki; Iyamu; Ogbebor; Uwadiae; Ekhator; Okoh; Eboh;
Onyeka; Nwachukwu; Ogbonna; Anyanwu; Akande; Eghosa; Osemwegie; Aghedo
`, zipfFamily)
