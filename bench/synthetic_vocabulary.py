"""The vocabularies and catalogues of the synthetic dedup benchmark's biomedical world: title
and abstract words, family and given names by region, journal names and their abbreviations,
meetings and preprint servers."""

from __future__ import annotations

# Content words of biomedical titles and abstracts, most frequent first (ranked by feel, not
# measured): a Zipf-Mandelbrot law over this order makes "patients", "effect", "cell" and
# "randomized" common to many titles, as in real searches. A text, not a list literal: 700
# quoted words would fill 300 lines.
_CONTENT_TEXT = """
patients effect study cell cells treatment randomized trial clinical analysis risk disease
cancer outcomes associated therapy expression children factors human acute chronic protein
role evaluation association response activity comparison management model health care induced
mice rats gene women blood syndrome surgery infection function growth breast lung liver heart
brain kidney injury inflammation inflammatory tumor receptor mechanism pathway signaling
controlled prospective retrospective cohort systematic review meta-analysis efficacy safety
prevalence incidence mortality survival diagnosis diagnostic prognostic predictors impact
changes levels serum plasma novel early severe primary adult older elderly pediatric
postoperative intensive emergency hospital population national community quality life pain
stroke diabetes type obesity hypertension cardiovascular coronary artery myocardial infarction
failure atrial fibrillation pulmonary respiratory asthma pneumonia sepsis COVID-19 SARS-CoV-2
HIV hepatitis tuberculosis malaria influenza vaccine vaccination antibiotic resistance
bacterial viral immune immunity inhibition inhibitor stem mesenchymal derived bone marrow
differentiation proliferation apoptosis migration invasion metastasis carcinoma colorectal
gastric prostate ovarian cervical pancreatic hepatocellular lymphoma leukemia myeloma
chemotherapy radiotherapy immunotherapy resection transplantation donor kidney-transplant
dialysis renal insufficiency cirrhosis fibrosis steatosis metabolic insulin glucose lipid
cholesterol vitamin supplementation dietary nutrition exercise physical training
rehabilitation cognitive depression anxiety disorder schizophrenia bipolar dementia
Alzheimer's Parkinson's epilepsy sclerosis multiple neuronal neurons synaptic spinal cord
traumatic fracture hip knee arthroplasty osteoarthritis rheumatoid arthritis lupus psoriasis
dermatitis wound healing regeneration scaffold hydrogel nanoparticles delivery drug dose
pharmacokinetics adverse events toxicity oral intravenous topical placebo double-blind
multicenter phase II III versus compared combined combination alone long-term short-term
follow-up years months weeks daily low high dose-dependent increased decreased reduced
improved enhanced impaired elevated density mass index body weight loss gain fat adipose
tissue muscle skeletal cardiac endothelial vascular angiogenesis oxidative stress
mitochondrial autophagy ferroptosis necrosis senescence aging microbiota gut intestinal
bowel Crohn's ulcerative colitis endoscopic laparoscopic robotic minimally invasive
approach technique procedure device implant stent valve aortic mitral transcatheter
replacement repair reconstruction flap graft tendon ligament cartilage meniscus rotator cuff
shoulder elbow wrist spine lumbar cervical-spine disc degeneration stenosis fusion screw
pregnancy pregnant maternal fetal neonatal preterm birth infants newborn breastfeeding
gestational preeclampsia cesarean delivery-mode contraception fertility infertility
embryo oocyte sperm endometriosis polycystic ovary menopause hormone estrogen testosterone
thyroid adrenal pituitary cortisol growth-hormone vitamin-D calcium phosphate magnesium
iron anemia hemoglobin platelet coagulation thrombosis anticoagulation heparin warfarin
aspirin statin beta-blockers ACE inhibitors diuretics metformin sulfonylurea GLP-1 SGLT2
agonist antagonist blockade monoclonal antibody antibodies antigen T-cell B-cell
macrophage neutrophil lymphocyte dendritic cytokine cytokines chemokine interleukin
TNF-α IL-6 IL-1β IFN-γ TGF-β1 NF-κB β-catenin α-synuclein PPARγ mTOR AMPK PI3K Akt MAPK
ERK JAK STAT3 Wnt Notch Hedgehog p53 TP53 BRCA1 KRAS EGFR HER2 PD-1 PD-L1 CTLA-4 VEGF
microRNA miRNA lncRNA circRNA mRNA DNA RNA methylation epigenetic sequencing genome-wide
single-cell transcriptome proteomic metabolomic biomarker biomarkers panel signature
machine learning deep artificial intelligence algorithm prediction validation external
internal development score scale questionnaire instrument reliability validity
psychometric properties cross-sectional survey interview qualitative mixed-methods
perspectives experiences barriers facilitators implementation intervention program
programme pilot feasibility cost-effectiveness economic burden utilization access
disparities socioeconomic rural urban primary-care general practitioners nurses nursing
physicians students education training simulation curriculum competence knowledge
attitudes practices awareness adherence compliance self-management telemedicine digital
mobile app online remote monitoring wearable sensor imaging magnetic resonance MRI
computed tomography CT ultrasound ultrasonography echocardiography PET radiography
mammography screening detection accuracy sensitivity specificity performance assessment
measurement quantitative semi-quantitative volumetric texture radiomics segmentation
histological immunohistochemical staining biopsy pathological specimens samples
patient-derived organoids xenograft murine mouse rat rabbit porcine canine equine zebrafish
in-vitro in-vivo ex-vivo culture cultured conditioned medium secretome exosomes
extracellular vesicles paracrine transplanted injection intra-articular subcutaneous
intraperitoneal local systemic regional general spinal-anesthesia sedation analgesia
opioid postoperative-pain nausea vomiting delirium intensive-care ventilation mechanical
oxygen hypoxia hypoxic ischemia ischemic reperfusion preconditioning protective
neuroprotective cardioprotective anti-inflammatory antioxidant antimicrobial antiviral
antifungal antibacterial biofilm pathogens Staphylococcus Escherichia Pseudomonas
Klebsiella Streptococcus Candida Helicobacter Mycobacterium Plasmodium resistant
multidrug-resistant carbapenem-resistant methicillin-resistant susceptibility outbreak
transmission epidemiology surveillance seroprevalence household contacts travelers
migrants refugees veterans military athletes workers occupational exposure air pollution
particulate smoking tobacco alcohol cannabis substance use dependence overdose suicide
self-harm violence abuse trauma post-traumatic resilience wellbeing burnout sleep
insomnia apnea circadian fatigue frailty sarcopenia falls disability mobility independence
nursing-home long-term-care palliative end-of-life hospice advance directives decision
shared decision-making communication family caregivers support social networks loneliness
isolation pandemic lockdown restrictions policy guidelines recommendations consensus
statement position expert panel Delphi audit registry database records claims
administrative nationwide population-based matched propensity score weighted regression
logistic Cox proportional hazards mixed-effects Bayesian network modeling simulation-based
trends temporal spatial geographic variation seasonal annual decade twenty-year
sex differences gender ethnic racial Black Hispanic Asian indigenous low-income
middle-income countries Africa sub-Saharan China India Brazil Europe United States Japan
Korea Iran Turkey Nigeria Ethiopia Kenya Uganda Bangladesh Pakistan Vietnam Thailand
Australia Canada Germany France Italy Spain Netherlands Sweden Denmark Norway Finland
"""
CONTENT_WORDS = tuple(dict.fromkeys(_CONTENT_TEXT.split()))

# Tokens of two words (species, Latin): HTML exports put them in <i> tags.
ITALIC_PHRASES = (
    "in vitro",
    "in vivo",
    "Staphylococcus aureus",
    "Escherichia coli",
    "Pseudomonas aeruginosa",
    "Klebsiella pneumoniae",
    "Mycobacterium tuberculosis",
    "Plasmodium falciparum",
    "Candida albicans",
    "Helicobacter pylori",
    "Drosophila melanogaster",
    "Caenorhabditis elegans",
    "de novo",
    "ex vivo",
)
GREEK_ENTITIES = {"α": "&alpha;", "β": "&beta;", "γ": "&gamma;", "κ": "&kappa;"}

# (word, weight per hundred words) for the glue between content words.
FUNCTION_WORDS = (
    ("of", 14),
    ("in", 12),
    ("and", 11),
    ("the", 10),
    ("with", 6),
    ("for", 4),
    ("on", 3),
    ("a", 3),
    ("to", 3),
    ("after", 2),
    ("among", 1),
    ("by", 2),
    ("from", 1),
    ("during", 1),
    ("versus", 1),
    ("without", 1),
    ("was", 3),
    ("were", 3),
    ("is", 2),
    ("are", 2),
    ("than", 1),
    ("this", 1),
    ("we", 1),
    ("not", 1),
)
# Glue words of titles, most frequent first (drawn with Zipf weights).
TITLE_GLUE = ("of", "in", "and", "with", "for", "on", "the", "after", "by", "among", "versus")

SUBTITLES = (
    "a randomized controlled trial",
    "a systematic review and meta-analysis",
    "a prospective cohort study",
    "a retrospective cohort study",
    "a cross-sectional study",
    "a case-control study",
    "a pilot study",
    "a multicentre study",
    "a population-based study",
    "a meta-analysis",
    "a case report",
    "a narrative review",
    "results from a national registry",
    "an observational study",
    "a double-blind, placebo-controlled trial",
    "protocol for a randomized controlled trial",
    "a nationwide cohort study",
    "an experimental study in rats",
    "a single-centre experience",
    "a secondary analysis of a randomized trial",
    "a scoping review",
    "lessons learned",
)
STRUCTURED_LABELS = ("Background:", "Methods:", "Results:", "Conclusions:")
COPYRIGHTS = (
    "© {year} Elsevier Ltd. All rights reserved.",
    "© {year} Wiley Periodicals LLC.",
    "Copyright © {year} The Authors.",
    "© {year} Springer Nature Switzerland AG.",
)

# Family and given names by region ("|"-separated: some family names have spaces). The
# regions' weights and the Zipf law within each put Wang, Li and Zhang first, as in PubMed.
NAMES: dict[str, tuple[float, str, str]] = {
    "china": (
        0.28,
        "Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|He|Lin|Gao|Luo"
        "|Zheng|Liang|Xie|Song|Tang|Han|Feng|Deng|Cao|Peng|Zeng|Xiao|Tian|Dong|Pan|Yuan|Cai"
        "|Jiang|Yu|Du|Ye|Cheng|Wei|Su|Ding|Ren|Lu|Yao|Shen|Zhong|Cui|Tan|Fan|Jin|Qian|Fu|Shi"
        "|Dai|Xia|Qiu|Hou|Zou|Meng|Xiong|Qin|Bai|Yan|Jia|Mao|Wan|Gu|Kong|Lei|Hao|Duan|Wen|Fang",
        "Wei|Jing|Li|Min|Jun|Hui|Yan|Lei|Jie|Tao|Bo|Xin|Yu|Hong|Ying|Ling|Qing|Xiaoming|Xiaoli"
        "|Yanfeng|Jianhua|Zhiwei|Haiyan|Xiaoyan|Jian|Ming|Chao|Peng|Fang|Yun|Hao|Yi|Lin|Qiang"
        "|Rui|Xiao-Hong|Jian-Ping|Zhi-Qiang",
    ),
    "anglo": (
        0.22,
        "Smith|Johnson|Williams|Brown|Jones|Miller|Davis|Wilson|Anderson|Taylor|Thomas|Moore"
        "|Jackson|Martin|Thompson|White|Harris|Clark|Lewis|Robinson|Walker|Young|Allen|King"
        "|Wright|Scott|Hill|Green|Adams|Baker|Nelson|Carter|Mitchell|Roberts|Turner|Phillips"
        "|Campbell|Parker|Evans|Edwards|Collins|Stewart|Morris|Murphy|Cook|Rogers|Morgan|Cooper"
        "|Peterson|Reed|Bailey|Bell|Kelly|Howard|Ward|Cox|Richardson|Wood|Watson|Brooks"
        "|Bennett|Gray|Hughes|Price|Sanders|Myers|Long|Ross|Foster|Powell|Jenkins|Perry"
        "|Russell|Sullivan|O'Brien|McDonald|MacLeod|O'Connor|Fitzgerald",
        "John|James|Michael|David|Robert|William|Richard|Thomas|Mark|Paul|Andrew|Christopher"
        "|Daniel|Matthew|Sarah|Jennifer|Elizabeth|Mary|Emily|Laura|Rachel|Susan|Karen|Jessica"
        "|Catherine|Anne|Helen|Peter|Stephen|Jonathan|Emma|Rebecca",
    ),
    "korea": (
        0.05,
        "Kim|Lee|Park|Choi|Jung|Kang|Cho|Yoon|Jang|Lim|Han|Oh|Seo|Shin|Kwon|Hwang|Ahn|Song"
        "|Jeon|Hong|Yoo|Ko|Moon|Yang|Son|Bae|Baek|Heo|Nam|Noh",
        "Min-Jun|Seo-Yeon|Ji-Hoon|Hyun-Woo|Soo-Jin|Young-Ho|Jae-Won|Eun-Ji|Sung-Min|Dong-Hyun"
        "|Hye-Jin|Jin-Young",
    ),
    "japan": (
        0.06,
        "Sato|Suzuki|Takahashi|Tanaka|Watanabe|Ito|Yamamoto|Nakamura|Kobayashi|Kato|Yoshida"
        "|Yamada|Sasaki|Yamaguchi|Matsumoto|Inoue|Kimura|Hayashi|Shimizu|Yamazaki|Mori|Abe"
        "|Ikeda|Hashimoto|Ishikawa|Ogawa|Okada|Maeda|Fujita|Goto",
        "Hiroshi|Takashi|Yuki|Kenji|Akira|Satoshi|Naoko|Yoko|Keiko|Takeshi|Masato|Haruka"
        "|Daisuke|Kazuhiro|Tomoko",
    ),
    "german": (
        0.06,
        "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer"
        "|Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger"
        "|Hofmann|Hartmann|Lange|Schmitt|Werner|Krause|Meier|Lehmann",
        "Thomas|Andreas|Michael|Stefan|Jürgen|Klaus|Wolfgang|Markus|Katrin|Sabine|Petra"
        "|Claudia|Julia|Anna|Jörg|Matthias|Björn",
    ),
    "italy": (
        0.05,
        "Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo"
        "|Conti|De Luca|Mancini|Costa|Giordano|Rizzo|Lombardi|Moretti",
        "Marco|Giuseppe|Luca|Alessandro|Francesco|Andrea|Giovanni|Paolo|Maria|Giulia"
        "|Francesca|Chiara|Elena|Stefano|Roberto",
    ),
    "spain": (
        0.05,
        "García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Martín"
        "|Jiménez|Ruiz|Hernández|Díaz|Moreno|Álvarez|Muñoz|Romero|Alonso|Gutiérrez|Navarro"
        "|Torres|Domínguez|Vázquez|Ramos|Gil|Ramírez|Serrano|Blanco|Molina|García-López"
        "|Martínez-Sánchez|Fernández-Ruiz",
        "José|Juan|Antonio|Francisco|Manuel|Javier|Carlos|Miguel|Ana|María|Carmen|Laura"
        "|Lucía|Pilar|José Luis|María José|Juan Carlos",
    ),
    "france": (
        0.04,
        "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent"
        "|Lefebvre|Michel|Garcia|David|Bertrand|Roux|Vincent|Fournier|Girard|Bonnet|Dupont"
        "|Lambert|Fontaine|Rousseau|Blanc|Guérin|Muller|Henry",
        "Jean|Pierre|Philippe|Nicolas|François|Sébastien|Julien|Marie|Sophie|Isabelle|Céline"
        "|Nathalie|Jean-Pierre|Jean-Marc|Anne-Sophie|Hélène",
    ),
    "india": (
        0.05,
        "Singh|Kumar|Sharma|Patel|Gupta|Shah|Verma|Reddy|Rao|Mehta|Jain|Agarwal|Mishra|Iyer"
        "|Nair|Pandey|Joshi|Das|Chatterjee|Banerjee|Menon|Pillai|Desai|Bhat|Yadav",
        "Rahul|Amit|Anil|Sunil|Priya|Pooja|Rajesh|Sanjay|Deepak|Vikram|Neha|Anjali|Arun"
        "|Suresh|Kavita",
    ),
    "middle_east": (
        0.04,
        "Khan|Ali|Ahmed|Hassan|Hussain|Mohammed|Abdullah|Rahman|Ibrahim|Mahmoud|Saleh|Haddad"
        "|Khalil|Nasser|Farouk|Al-Khatib|El-Sayed|Rahimi|Hosseini|Mohammadi|Ahmadi|Karimi"
        "|Rezaei|Moradi|Jafari",
        "Mohammed|Ahmed|Ali|Omar|Hassan|Fatima|Aisha|Layla|Reza|Mehdi|Zahra|Maryam|Ibrahim"
        "|Youssef|Nour",
    ),
    "brazil": (
        0.04,
        "Silva|Santos|Oliveira|Souza|Pereira|Costa|Ferreira|Almeida|Carvalho|Gomes|Ribeiro"
        "|Martins|Rodrigues|Alves|Lima|Araújo|Barbosa|Rocha|Dias|Nascimento|da Silva"
        "|dos Santos|de Oliveira",
        "João|Pedro|Lucas|Gabriel|Rafael|Ana|Mariana|Juliana|Fernanda|Camila|Luiz|Paulo"
        "|Marcelo|Beatriz",
    ),
    "north_europe": (
        0.04,
        "de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|Mulder"
        "|de Groot|Bos|Vos|Peters|Hendriks|van der Meer|Andersson|Johansson|Karlsson|Nilsson"
        "|Eriksson|Larsson|Olsson|Persson|Hansen|Nielsen|Jensen|Pedersen|Andersen|Christensen"
        "|Jørgensen|Sørensen|Larsen|Johansen|Olsen|Virtanen|Korhonen|Mäkinen",
        "Jan|Pieter|Willem|Sanne|Lotte|Anna|Erik|Lars|Anders|Karin|Ingrid|Mette|Søren|Henrik"
        "|Mikko|Johanna|Björn",
    ),
    "east_europe": (
        0.04,
        "Ivanov|Smirnov|Kuznetsov|Popov|Vasiliev|Petrov|Sokolov|Novák|Dvořák|Svoboda|Nowak"
        "|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Horváth|Nagy|Kovács|Popescu|Yılmaz"
        "|Kaya|Demir|Şahin|Çelik|Yıldız|Öztürk|Aydın|Özdemir|Arslan",
        "Ivan|Sergei|Alexei|Olga|Elena|Natalia|Tomasz|Piotr|Anna|Katarzyna|Jan|Petr|Mehmet"
        "|Ahmet|Mustafa|Ayşe|Fatma|Emre",
    ),
    "vietnam": (
        0.02,
        "Nguyen|Tran|Le|Pham|Hoang|Phan|Vu|Dang|Bui|Do|Ho|Ngo|Duong|Ly",
        "Anh|Minh|Thanh|Hung|Lan|Linh|Huong|Tuan|Duc|Mai",
    ),
}
# Letters NFKD does not decompose, for the ASCII-folding databases.
UNFOLDED = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "ß": "ss"})

# Journal names are built as pattern x field, with their NLM-style abbreviations.
JOURNAL_FIELDS = """
Oncology|Oncol Cardiology|Cardiol Neurology|Neurol Gastroenterology|Gastroenterol
Hepatology|Hepatol Nephrology|Nephrol Endocrinology|Endocrinol Diabetes|Diabetes
Rheumatology|Rheumatol Dermatology|Dermatol Ophthalmology|Ophthalmol Pediatrics|Pediatr
Psychiatry|Psychiatry Psychology|Psychol Surgery|Surg Urology|Urol Radiology|Radiol
Anesthesiology|Anesthesiol Hematology|Hematol Immunology|Immunol Microbiology|Microbiol
Virology|Virol Infectious_Diseases|Infect_Dis Pharmacology|Pharmacol Toxicology|Toxicol
Epidemiology|Epidemiol Public_Health|Public_Health Nursing|Nurs Nutrition|Nutr
Obstetrics_and_Gynecology|Obstet_Gynecol Orthopaedics|Orthop Sports_Medicine|Sports_Med
Rehabilitation|Rehabil Emergency_Medicine|Emerg_Med Critical_Care|Crit_Care
Intensive_Care_Medicine|Intensive_Care_Med Pulmonology|Pulmonol
Respiratory_Medicine|Respir_Med Thoracic_Surgery|Thorac_Surg Vascular_Surgery|Vasc_Surg
Plastic_Surgery|Plast_Surg Neurosurgery|Neurosurg Otolaryngology|Otolaryngol
Dentistry|Dent Oral_Sciences|Oral_Sci Geriatrics|Geriatr Gerontology|Gerontol
Palliative_Care|Palliat_Care Pain|Pain Sleep_Medicine|Sleep_Med Allergy|Allergy
Clinical_Immunology|Clin_Immunol Transplantation|Transplant Pathology|Pathol Cytology|Cytol
Genetics|Genet Genomics|Genomics Molecular_Biology|Mol_Biol Cell_Biology|Cell_Biol
Biochemistry|Biochem Biophysics|Biophys Physiology|Physiol Anatomy|Anat
Neuroscience|Neurosci Stem_Cells|Stem_Cells Regenerative_Medicine|Regen_Med
Tissue_Engineering|Tissue_Eng Biomaterials|Biomater Bioinformatics|Bioinform
Medical_Imaging|Med_Imaging Nuclear_Medicine|Nucl_Med Radiation_Oncology|Radiat_Oncol
Medical_Physics|Med_Phys Biomedical_Engineering|Biomed_Eng Health_Economics|Health_Econ
Health_Policy|Health_Policy Health_Services_Research|Health_Serv_Res
Medical_Education|Med_Educ Medical_Ethics|Med_Ethics Global_Health|Glob_Health
Tropical_Medicine|Trop_Med Parasitology|Parasitol Mycology|Mycol
Veterinary_Science|Vet_Sci Environmental_Health|Environ_Health
Occupational_Medicine|Occup_Med Addiction|Addict Behavioral_Medicine|Behav_Med
Women's_Health|Womens_Health Men's_Health|Mens_Health Reproductive_Medicine|Reprod_Med
Fertility|Fertil Neonatology|Neonatol Perinatology|Perinatol Cancer_Research|Cancer_Res
Breast_Cancer|Breast_Cancer Lung_Cancer|Lung_Cancer Colorectal_Disease|Colorectal_Dis
Hypertension|Hypertens Atherosclerosis|Atheroscler Thrombosis|Thromb Stroke|Stroke
Epilepsy|Epilepsy Headache|Headache Dementia|Dement Movement_Disorders|Mov_Disord
Multiple_Sclerosis|Mult_Scler Obesity|Obes Metabolism|Metab
Bone_and_Mineral_Research|Bone_Miner_Res Osteoporosis|Osteoporos Arthroplasty|Arthroplasty
Spine|Spine Hand_Surgery|Hand_Surg Foot_and_Ankle_Surgery|Foot_Ankle_Surg
Wound_Care|Wound_Care Burns|Burns Trauma|Trauma Laboratory_Medicine|Lab_Med
Clinical_Chemistry|Clin_Chem Pharmacy|Pharm Drug_Research|Drug_Res Vaccines|Vaccines
Antimicrobial_Chemotherapy|Antimicrob_Chemother Mental_Health|Ment_Health
Child_Health|Child_Health Adolescent_Health|Adolesc_Health Physical_Therapy|Phys_Ther
Speech_and_Hearing|Speech_Hear Audiology|Audiol Optometry|Optom
"""
JOURNAL_PATTERNS = (
    ("Journal of {}", "J {}"),
    ("International Journal of {}", "Int J {}"),
    ("European Journal of {}", "Eur J {}"),
    ("American Journal of {}", "Am J {}"),
    ("British Journal of {}", "Br J {}"),
    ("Annals of {}", "Ann {}"),
    ("Archives of {}", "Arch {}"),
    ("Clinical {}", "Clin {}"),
    ("{} Research", "{} Res"),
    ("{} Reports", "{} Rep"),
    ("{} Reviews", "{} Rev"),
    ("Current Opinion in {}", "Curr Opin {}"),
    ("Advances in {}", "Adv {}"),
    ("Frontiers in {}", "Front {}"),
    ("BMC {}", "BMC {}"),
    ("{} International", "{} Int"),
    ("Journal of Clinical {}", "J Clin {}"),
    ("Journal of Experimental {}", "J Exp {}"),
    ("Clinical and Experimental {}", "Clin Exp {}"),
    ("Asian Journal of {}", "Asian J {}"),
    ("Scandinavian Journal of {}", "Scand J {}"),
    ("Canadian Journal of {}", "Can J {}"),
    ("Indian Journal of {}", "Indian J {}"),
    ("Chinese Journal of {}", "Chin J {}"),
    ("Japanese Journal of {}", "Jpn J {}"),
    ("World Journal of {}", "World J {}"),
    ("Seminars in {}", "Semin {}"),
    ("Trends in {}", "Trends {}"),
    ("Korean Journal of {}", "Korean J {}"),
    ("Turkish Journal of {}", "Turk J {}"),
    ("{} Letters", "{} Lett"),
    ("Translational {}", "Transl {}"),
    ("Expert Review of {}", "Expert Rev {}"),
)
# The journals most records come from in real searches, first in the Zipf order.
LARGE_JOURNALS = (
    ("PLoS One", "PLoS One"),
    ("Scientific Reports", "Sci Rep"),
    ("Medicine (Baltimore)", "Medicine (Baltimore)"),
    ("BMJ Open", "BMJ Open"),
    ("International Journal of Molecular Sciences", "Int J Mol Sci"),
    ("Cureus", "Cureus"),
    ("Cochrane Database of Systematic Reviews", "Cochrane Database Syst Rev"),
    ("Nature Communications", "Nat Commun"),
    ("Journal of Clinical Medicine", "J Clin Med"),
    ("Nutrients", "Nutrients"),
    ("Cancers", "Cancers (Basel)"),
    (
        "Proceedings of the National Academy of Sciences of the United States of America",
        "Proc Natl Acad Sci U S A",
    ),
    ("Stem Cell Research & Therapy", "Stem Cell Res Ther"),
    ("The Lancet", "Lancet"),
    ("The New England Journal of Medicine", "N Engl J Med"),
    ("JAMA", "JAMA"),
    ("BMJ", "BMJ"),
    ("Blood", "Blood"),
    ("Cancer", "Cancer"),
    ("Circulation", "Circulation"),
    ("Cytotherapy", "Cytotherapy"),
    ("Vaccine", "Vaccine"),
    ("Gut", "Gut"),
    ("Diabetes Care", "Diabetes Care"),
    ("Critical Care Medicine", "Crit Care Med"),
    ("Annals of Internal Medicine", "Ann Intern Med"),
    ("JAMA Internal Medicine", "JAMA Intern Med"),
    ("The Lancet Oncology", "Lancet Oncol"),
    ("Journal of the American College of Cardiology", "J Am Coll Cardiol"),
    ("Journal of Affective Disorders", "J Affect Disord"),
)
JOURNAL_COUNT = 3000
MEGA_JOURNAL_DOIS = {"PLoS One": "plos", "Scientific Reports": "nature", "Cureus": "generic"}
PREPRINT_SERVERS = (("bioRxiv", 2013), ("medRxiv", 2019))
MEETINGS = (
    ("Annual Meeting", "Annu Meet"),
    ("Congress", "Congr"),
    ("Scientific Sessions", "Sci Sess"),
    ("Annual Conference", "Annu Conf"),
)
SOCIETY_REGIONS = ("American", "European", "International", "British", "Asian Pacific")
SOCIETY_KINDS = ("Society of", "Association for", "College of", "Academy of")
