"""Synthetic multi-database search exports with known duplicates, for the dedup benchmark.

Papers are drawn from a biomedical "world" (Zipf-distributed title words, a few hundred common
family names, ~3,000 journals); each paper is then exported by one to four databases, each of
which writes it in its own style (MEDLINE "Smith JA" and "1535-41", WoS upper-case journals,
DOIs as URLs...) plus the noise real exports carry. About 2% of the records are near-misses
of another paper, which a deduplicator must keep apart: same team and journal, erratum, Part 1/2,
preprint and journal version, conference abstract and full article.

    python bench/dedup_synthetic.py N OUT_DIR [--seed S] [--duplicate-share 0.3]
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
# id, title, authors (list), year (int), journal, volume, issue, pages, doi, pmid, abstract, type
RecordDict = dict[str, Any]

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
_UNFOLDED = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ı": "i", "ß": "ss"})

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

FIRST_YEAR, LAST_YEAR = 1990, 2025
YEAR_GROWTH = 1.045
NEAR_MISS_SHARE = 0.02
MAX_DUPLICATE_SHARE = 0.7  # groups hold at most four records: a share above 0.75 cannot be met
EXTRA_COPIES_WEIGHTS = ((1, 72), (2, 20), (3, 8))  # groups of two, three and four records


class PaperKind(StrEnum):
    """What a paper is: an ordinary article or a near-miss of another paper."""

    ARTICLE = "article"
    SAME_TEAM = "same_team"  # same authors and journal, a different paper
    ERRATUM = "erratum"  # "Correction to: <title>"
    PART = "part"  # "Part 2" of a two-part paper
    PREPRINT = "preprint"  # bioRxiv/medRxiv version of a journal article
    CONFERENCE = "conference"  # meeting abstract of a later full article


NEAR_MISS_KINDS = tuple(kind for kind in PaperKind if kind is not PaperKind.ARTICLE)


class Database(StrEnum):
    """The database a record was exported from, which sets how it writes every field."""

    MEDLINE = "medline"
    EMBASE = "embase"
    SCOPUS = "scopus"
    WOS = "wos"
    CINAHL = "cinahl"


DATABASE_WEIGHTS = (
    (Database.MEDLINE, 30),
    (Database.EMBASE, 25),
    (Database.SCOPUS, 20),
    (Database.WOS, 15),
    (Database.CINAHL, 10),
)


@dataclass(frozen=True, slots=True)
class Journal:
    """A journal of the catalogue (or a preprint server, or a meeting's abstract book)."""

    full: str
    abbrev: str
    doi_style: str
    slug: str
    doi_prefix: int
    first_year: int
    issues_per_year: int  # 0: the journal has no issues
    article_numbers: bool  # pages are article numbers (e0123456), not ranges


@dataclass(frozen=True, slots=True)
class Person:
    """An author as the world knows them; each database writes the name its own way."""

    family: str
    given: str
    middle: str  # a middle initial or ""
    initials: str  # of the given names and the middle one: "JP" for Jean-Pierre


@dataclass(frozen=True, slots=True)
class Paper:
    """One real-world paper, before any database has written it down."""

    kind: PaperKind
    title: str  # sentence case, no final period
    subtitle: str
    authors: tuple[Person, ...]
    group_author: str
    year: int
    journal: Journal
    volume: str
    issue: str
    first_page: str
    last_page: str
    doi: str
    pmid: str
    abstract: str
    type: str
    translated: bool  # not in English: MEDLINE gives its English title in brackets


@dataclass(frozen=True, slots=True)
class SyntheticExport:
    """What :func:`build` made: the records, the gold groups and how many of each kind."""

    records: list[RecordDict]
    groups: list[list[str]]
    papers: int
    near_misses: Counter[str]


class Zipf(Generic[T]):
    """Draws items with Zipf-Mandelbrot weights 1/(rank + shift), first item most often.

    Each item is repeated in a pool in proportion to its weight, so that a draw is one
    uniform index: several times faster than random.choices with weights, which matters
    for the 20 million words of 100,000 abstracts."""

    def __init__(self, items: Sequence[T], shift: float) -> None:
        weights = [1 / (rank + shift) for rank in range(1, len(items) + 1)]
        smallest = weights[-1]
        self.pool: list[T] = [
            item
            for item, weight in zip(items, weights, strict=True)
            for _ in range(round(weight / smallest))
        ]

    def draw(self, rng: random.Random) -> T:
        return self.pool[int(rng.random() * len(self.pool))]


@dataclass(frozen=True, slots=True)
class World:
    """The fixed vocabularies and catalogues every seed draws from."""

    title_words: Zipf[str]
    title_glue: Zipf[str]
    abstract_words: list[str]
    families: dict[str, Zipf[str]]
    given_names: dict[str, tuple[str, ...]]
    regions: tuple[str, ...]
    region_cumulative_weights: tuple[float, ...]
    journals: Zipf[Journal]
    fields: tuple[tuple[str, str], ...]


@cache
def world() -> World:
    title_words = Zipf(CONTENT_WORDS, shift=10)
    # Abstracts: the same content words, with function words making up about 40% of text.
    content = title_words.pool
    glue_total = sum(weight for _, weight in FUNCTION_WORDS)
    glue_size = round(len(content) * 0.4 / 0.6)
    glue = [
        word
        for word, weight in FUNCTION_WORDS
        for _ in range(round(glue_size * weight / glue_total))
    ]
    families = {
        region: Zipf(family.split("|"), shift=1.0 if region == "china" else 3.0)
        for region, (_, family, _) in NAMES.items()
    }
    given = {region: tuple(names.split("|")) for region, (_, _, names) in NAMES.items()}
    fields = tuple(
        (full.replace("_", " "), abbrev.replace("_", " "))
        for full, abbrev in (pair.split("|") for pair in JOURNAL_FIELDS.split())
    )
    journals = _journals(fields)
    return World(
        title_words=title_words,
        title_glue=Zipf(TITLE_GLUE, shift=0.5),
        abstract_words=content + glue,
        families=families,
        given_names=given,
        regions=tuple(NAMES),
        region_cumulative_weights=tuple(accumulate(weight for weight, _, _ in NAMES.values())),
        journals=Zipf(journals, shift=5),
        fields=fields,
    )


def _journals(fields: Sequence[tuple[str, str]]) -> tuple[Journal, ...]:
    """The journal catalogue: the large journals, then pattern x field names in a fixed
    shuffled order (its own seed: the catalogue is the same whatever the run's seed)."""
    rng = random.Random(20240601)
    names = dict(LARGE_JOURNALS)
    generated = [
        (pattern.format(full), short.format(abbrev))
        for pattern, short in JOURNAL_PATTERNS
        for full, abbrev in fields
    ]
    rng.shuffle(generated)
    for full, abbrev in generated:
        if len(names) == JOURNAL_COUNT:
            break
        names.setdefault(full, abbrev)
    journals = []
    for rank, (full, abbrev) in enumerate(names.items()):
        established = rank < len(LARGE_JOURNALS)  # the large journals are old ones
        if full in MEGA_JOURNAL_DOIS:
            style = MEGA_JOURNAL_DOIS[full]
        elif full.startswith("BMC "):
            style = "bmc"
        elif full.startswith("Frontiers in "):
            style = "frontiers"
        else:
            style = rng.choice(("elsevier", "wiley", "springer", "lww", "tandf", "generic"))
        article_numbers = style in {"plos", "bmc", "frontiers"} or rng.random() < 0.12
        journals.append(
            Journal(
                full=full,
                abbrev=abbrev,
                doi_style=style,
                slug="".join(word[:4] for word in re.findall(r"[a-z]+", abbrev.lower()))[:12],
                doi_prefix=rng.randint(1000, 9999),
                first_year=rng.randint(1900, 1985) if established else rng.randint(1950, 2015),
                issues_per_year=0 if article_numbers else rng.choice((4, 6, 12, 12, 24)),
                article_numbers=article_numbers or full == "Cureus",
            )
        )
    return tuple(journals)


class Identifiers:
    """DOIs and PMIDs handed out once each: unrelated papers never share an identifier."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.dois: set[str] = set()
        self.pmids: set[str] = set()

    def doi(self, journal: Journal, year: int) -> str:
        rng = self.rng
        while True:
            doi = _doi_for(journal, year, rng)
            if doi not in self.dois:
                self.dois.add(doi)
                return doi

    def preprint_doi(self, year: int) -> str:
        while True:
            month, day, number = self.rng.randint(1, 12), self.rng.randint(1, 28), self.rng.random()
            doi = f"10.1101/{year}.{month:02d}.{day:02d}.{int(number * 1e6):06d}"
            if doi not in self.dois:
                self.dois.add(doi)
                return doi

    def pmid(self, year: int) -> str:
        # PMIDs grow with time: about a million a year from 2 million in 1990.
        while True:
            pmid = str(2_000_000 + (year - FIRST_YEAR) * 1_000_000 + self.rng.randrange(1_000_000))
            if pmid not in self.pmids:
                self.pmids.add(pmid)
                return pmid


def _doi_for(journal: Journal, year: int, rng: random.Random) -> str:
    slug, randint, journal_number = journal.slug, rng.randint, journal.doi_prefix + 10000
    match journal.doi_style:
        case "elsevier":
            return f"10.1016/j.{slug}.{year}.{randint(1, 12):02d}.{randint(1, 999):03d}"
        case "wiley":
            return f"10.1002/{slug}.{randint(10000, 99999)}"
        case "springer":
            serial = f"{year % 1000:03d}-{randint(1000, 9999)}-{randint(0, 9)}"
            return f"10.1007/s{journal_number}-{serial}"
        case "bmc":
            return (
                f"10.1186/s{journal_number}-{year % 100:02d}-{randint(1000, 9999)}-{randint(0, 9)}"
            )
        case "frontiers":
            return f"10.3389/f{slug}.{year}.{randint(100000, 999999)}"
        case "plos":
            return f"10.1371/journal.pone.{randint(0, 9999999):07d}"
        case "nature":
            return f"10.1038/s41598-{year % 100:03d}-{randint(10000, 99999)}-{randint(0, 9)}"
        case "lww":  # Wolters Kluwer DOIs are upper case, as published
            return f"10.1097/{slug[:3].upper()}.{randint(0, 10**10 - 1):010d}"
        case "tandf":
            issn = f"{journal.doi_prefix:04d}{journal.first_year % 1000:03d}"  # the journal's
            return f"10.1080/{issn}.{year}.{randint(1000000, 9999999)}"
        case _:
            return f"10.{journal.doi_prefix}/{slug}.{year}.{randint(1, 99999)}"


# ---------------------------------------------------------------------------- the world's papers


def _year(rng: random.Random) -> int:
    """A year with weight 1.045**(year - 1990): publication counts grow about 4.5% a year."""
    span = LAST_YEAR - FIRST_YEAR + 1
    total = (YEAR_GROWTH**span - 1) / (YEAR_GROWTH - 1)  # the weights' sum, inverted below
    offset = math.log(rng.random() * total * (YEAR_GROWTH - 1) + 1, YEAR_GROWTH)
    return FIRST_YEAR + min(span - 1, int(offset))


def _sentence_case(words: Sequence[str]) -> str:
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def _title_words(rng: random.Random, w: World, count: int) -> list[str]:
    """``count`` words of a title: content words with glue words between them."""
    words: list[str] = []
    while len(words) < count:
        if words and words[-1] not in TITLE_GLUE and rng.random() < 0.3:
            words.append(w.title_glue.draw(rng))
        elif rng.random() < 0.015:
            words += rng.choice(ITALIC_PHRASES).split()
        else:
            words.append(w.title_words.draw(rng))
    del words[count:]
    if words[-1] in TITLE_GLUE:
        words[-1] = w.title_words.draw(rng)
    return words


def _title(rng: random.Random, w: World) -> tuple[str, str]:
    """(main title, subtitle or ""), 6 to 25 words in all, most around 12."""
    total = int(rng.triangular(6, 26, 12))
    subtitle = ""
    if rng.random() < 0.3:
        if rng.random() < 0.6:
            subtitle = SUBTITLES[min(int(rng.expovariate(0.25)), len(SUBTITLES) - 1)]
        else:
            subtitle = " ".join(_title_words(rng, w, rng.randint(3, 6)))
        if total - len(subtitle.split()) < 6:  # the main title alone has six words or more
            subtitle = ""
        else:
            total -= len(subtitle.split())
    return _sentence_case(_title_words(rng, w, total)), subtitle


def _full_title(paper: Paper) -> str:
    return f"{paper.title}: {paper.subtitle}" if paper.subtitle else paper.title


def _statistic(rng: random.Random) -> str:
    match rng.randrange(3):
        case 0:
            return f"(n = {rng.randint(12, 4000)})"
        case 1:
            return f"(p < {rng.choice(('0.05', '0.01', '0.001'))})"
        case _:
            ratio = rng.uniform(0.3, 3.5)
            return f"(OR {ratio:.2f}, 95% CI {ratio * 0.7:.2f}-{ratio * 1.4:.2f})"


def _abstract(rng: random.Random, w: World, word_count: int, structured: bool) -> str:
    """Sentences of 8-24 words, some with statistics; ``word_count`` words exactly."""
    words = rng.choices(w.abstract_words, k=word_count)
    bounds = [0]
    while bounds[-1] < word_count:
        bounds.append(min(word_count, bounds[-1] + rng.randint(8, 24)))
    if len(bounds) > 2 and bounds[-1] - bounds[-2] < 5:  # no two-word last sentence
        del bounds[-2]
    sentence_count = len(bounds) - 1
    labels = {round(i * sentence_count / 4): label for i, label in enumerate(STRUCTURED_LABELS)}
    sentences = []
    for number, (start, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
        sentence = words[start:end]
        if structured and number in labels and len(sentence) > 2:
            sentence[0] = labels[number]
            sentence[1] = sentence[1][:1].upper() + sentence[1][1:]
        else:
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
        if len(sentence) > 10 and rng.random() < 0.25:
            statistic = _statistic(rng)
            sentence[-len(statistic.split()) :] = [statistic]  # the word count stays the same
        sentences.append(" ".join(sentence) + ".")
    return " ".join(sentences)


def _person(rng: random.Random, w: World, region: str) -> Person:
    if rng.random() < 0.25:  # international teams
        region = rng.choices(w.regions, cum_weights=w.region_cumulative_weights)[0]
    middle = ""
    if region not in {"china", "korea", "vietnam"} and rng.random() < 0.35:
        middle = rng.choice("ABCDEFGHJKLMNPRSTW")
    given = rng.choice(w.given_names[region])
    initials = "".join(part[0] for part in re.split(r"[- ]", given)) + middle
    return Person(w.families[region].draw(rng), given, middle, initials)


def _team(rng: random.Random, w: World) -> tuple[Person, ...]:
    region = rng.choices(w.regions, cum_weights=w.region_cumulative_weights)[0]
    count = min(30, max(1, round(rng.lognormvariate(1.6, 0.6))))  # median 5, few alone
    return tuple(_person(rng, w, region) for _ in range(count))


def _group_author(rng: random.Random) -> str:
    acronym = "".join(rng.choice("ABCDEFGHIKLMNOPRSTUV") for _ in range(rng.randint(3, 6)))
    kind = rng.choice(("Study Group", "Investigators", "Collaborative Group", "Consortium"))
    return f"{acronym} {kind}"


def _volume(journal: Journal, year: int) -> str:
    return str(max(1, year - journal.first_year + 1))


def _issue(rng: random.Random, journal: Journal) -> str:
    return str(rng.randint(1, journal.issues_per_year)) if journal.issues_per_year else ""


def _pages(rng: random.Random, journal: Journal) -> tuple[str, str]:
    if journal.article_numbers:
        if journal.doi_style == "plos":
            return f"e{rng.randint(0, 9999999):07d}", ""
        return str(rng.randint(1, 99999)), ""
    first = rng.randint(1, 2400)
    if rng.random() < 0.05:  # letters and editorials: one page
        return str(first), ""
    return str(first), str(first + rng.randint(2, 14))


def _article(rng: random.Random, w: World, ids: Identifiers) -> Paper:
    journal = w.journals.draw(rng)
    year = _year(rng)
    title, subtitle = _title(rng, w)
    first_page, last_page = _pages(rng, journal)
    has_abstract = rng.random() < 0.93  # letters, editorials and comments have none
    return Paper(
        kind=PaperKind.ARTICLE,
        title=title,
        subtitle=subtitle,
        authors=_team(rng, w),
        group_author=_group_author(rng) if rng.random() < 0.03 else "",
        year=year,
        journal=journal,
        volume=_volume(journal, year),
        issue=_issue(rng, journal),
        first_page=first_page,
        last_page=last_page,
        doi=ids.doi(journal, year) if rng.random() < 0.7 else "",
        pmid=ids.pmid(year) if rng.random() < 0.5 else "",
        abstract=_abstract(rng, w, rng.randint(100, 235), rng.random() < 0.4)
        if has_abstract
        else "",
        type="JOUR",
        translated=rng.random() < 0.04,
    )


# ---------------------------------------------------------------------------- near-misses


def _revised_title(rng: random.Random, w: World, title: str) -> str:
    """The title a few words changed, as between a preprint or abstract and the article."""
    words = title.split(" ")
    for _ in range(rng.randint(1, 3)):
        words[rng.randrange(1, len(words)) if len(words) > 1 else 0] = w.title_words.draw(rng)
    return _sentence_case(words)


def _revised_abstract(rng: random.Random, w: World, abstract: str) -> str:
    """The first half kept, the rest rewritten."""
    if not abstract:
        return _abstract(rng, w, rng.randint(100, 235), False)
    cut = abstract.find(". ", len(abstract) // 2)
    kept = abstract[: cut + 1] if cut > 0 else abstract
    rest = max(20, 180 - len(kept.split()))
    return f"{kept} {_abstract(rng, w, rest, False)}"


def _same_team(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """Another paper by the same authors in the same journal, on the same subject."""
    year = min(LAST_YEAR, max(FIRST_YEAR, base.year + rng.choice((0, 0, 1, -1, 2))))
    title, subtitle = _title(rng, w)
    topic = [word for word in base.title.split(" ")[1:] if len(word) > 3]
    words = title.split(" ")
    for i in range(1, len(words)):
        if topic and rng.random() < 0.35:
            words[i] = rng.choice(topic)
    authors = list(base.authors)
    if len(authors) > 2 and rng.random() < 0.3:
        del authors[rng.randrange(1, len(authors))]
    if rng.random() < 0.3:
        authors.insert(rng.randint(1, len(authors)), _person(rng, w, "anglo"))
    first_page, last_page = _pages(rng, base.journal)
    return replace(
        base,
        kind=PaperKind.SAME_TEAM,
        title=" ".join(words),
        subtitle=subtitle,
        authors=tuple(authors),
        year=year,
        volume=_volume(base.journal, year),
        issue=_issue(rng, base.journal),
        first_page=first_page,
        last_page=last_page,
        doi=ids.doi(base.journal, year) if base.doi else "",
        pmid=ids.pmid(year) if base.pmid else "",
        abstract=_abstract(rng, w, rng.randint(100, 235), rng.random() < 0.4),
        translated=False,
    )


def _erratum(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    form = rng.choice(
        ("Correction to: {}", "Erratum: {}", "Erratum to: {}", "Correction: {}", 'Erratum to "{}"')
    )
    year = min(LAST_YEAR, base.year + rng.choice((0, 0, 1)))
    keep_authors = rng.random() < 0.6  # many errata are indexed without authors
    first_page, _ = _pages(rng, base.journal)
    return replace(
        base,
        kind=PaperKind.ERRATUM,
        title=form.format(_full_title(base)),
        subtitle="",
        authors=base.authors if keep_authors else (),
        group_author=base.group_author if keep_authors else "",
        year=year,
        volume=_volume(base.journal, year),
        issue=_issue(rng, base.journal),
        first_page=first_page,
        last_page="",
        doi=ids.doi(base.journal, year) if base.doi else "",
        pmid=ids.pmid(year) if base.pmid else "",
        abstract="",
        translated=False,
    )


def _parts(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> tuple[Paper, Paper]:
    """Part 1 (the base, retitled) and Part 2: same authors, journal and issue, next pages."""
    one, two = rng.choice((("1", "2"), ("I", "II")))
    form = rng.choice(("{}. Part {}", "{}: part {}", "{} (Part {})"))
    if base.journal.article_numbers or not base.first_page.isdigit():
        first_page, last_page = _pages(rng, base.journal)
    else:
        start = int(base.last_page or base.first_page) + 1
        first_page, last_page = str(start), str(start + rng.randint(2, 14))
    part_two = replace(
        base,
        kind=PaperKind.PART,
        title=form.format(base.title, two),
        subtitle=" ".join(_title_words(rng, w, rng.randint(3, 6))) if base.subtitle else "",
        first_page=first_page,
        last_page=last_page,
        doi=ids.doi(base.journal, base.year) if base.doi else "",
        pmid=ids.pmid(base.year) if base.pmid else "",
        abstract=_revised_abstract(rng, w, base.abstract),
    )
    return replace(base, title=form.format(base.title, one)), part_two


def _preprint(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """The bioRxiv/medRxiv version of a journal article (related, not a duplicate)."""
    server, launched = PREPRINT_SERVERS[0] if base.year < 2020 else rng.choice(PREPRINT_SERVERS)
    year = max(min(base.year, launched), base.year - rng.choice((0, 1, 1)))
    journal = Journal(server, server, "preprint", server.lower(), 1101, launched, 0, False)
    authors = base.authors
    if len(authors) > 1 and rng.random() < 0.25:
        authors = authors[:-1]
    return replace(
        base,
        kind=PaperKind.PREPRINT,
        title=base.title if rng.random() < 0.7 else _revised_title(rng, w, base.title),
        authors=authors,
        year=year,
        journal=journal,
        volume="",
        issue="",
        first_page="",
        last_page="",
        doi=ids.preprint_doi(year),
        pmid="",
        abstract=base.abstract if rng.random() < 0.5 else _revised_abstract(rng, w, base.abstract),
        type=rng.choice(("JOUR", "UNPB")),
        translated=False,
    )


def _conference(rng: random.Random, w: World, ids: Identifiers, base: Paper) -> Paper:
    """A meeting abstract, in a journal supplement, of the later full article."""
    field, _ = rng.choice(w.fields)
    society = f"{rng.choice(SOCIETY_REGIONS)} {rng.choice(SOCIETY_KINDS)} {field}"
    meeting, meeting_abbrev = rng.choice(MEETINGS)
    acronym = "".join(word[0] for word in society.split() if word[0].isupper())
    journal = Journal(
        full=f"{society} {meeting} Abstracts",
        abbrev=f"{acronym} {meeting_abbrev} Abstr",
        doi_style="generic",
        slug=acronym.lower(),
        doi_prefix=rng.randint(1000, 9999),
        first_year=FIRST_YEAR,
        issues_per_year=0,
        article_numbers=False,
    )
    year = max(FIRST_YEAR, base.year - rng.choice((1, 1, 2)))
    return replace(
        base,
        kind=PaperKind.CONFERENCE,
        title=base.title if rng.random() < 0.6 else _revised_title(rng, w, base.title),
        subtitle=base.subtitle if rng.random() < 0.5 else "",
        authors=base.authors[: rng.randint(1, len(base.authors))] if base.authors else (),
        year=year,
        journal=journal,
        volume=f"{rng.randint(1, 60)} Suppl {rng.randint(1, 3)}",
        issue="",
        first_page=f"{rng.choice('ASP')}{rng.randint(1, 999)}",
        last_page="",
        doi=ids.doi(journal, year) if rng.random() < 0.25 else "",
        pmid="",
        abstract=_abstract(rng, w, rng.randint(100, 150), rng.random() < 0.6),
        type="CONF",
        translated=False,
    )


def _add_near_misses(
    rng: random.Random, w: World, ids: Identifiers, papers: list[Paper], count: int
) -> list[Paper]:
    """``count`` near-misses of distinct papers, the kinds in turn; a Part 2's base is
    retitled "Part 1" in ``papers`` itself."""
    kinds = [NEAR_MISS_KINDS[i % len(NEAR_MISS_KINDS)] for i in range(count)]
    bases = rng.sample(range(len(papers)), count)
    near_misses = []
    for kind in kinds:
        base = bases[0]
        if kind is PaperKind.PREPRINT:  # a base from the preprint era, when there is one
            base = next((i for i in bases if papers[i].year >= 2014), base)
        bases.remove(base)
        match kind:
            case PaperKind.SAME_TEAM:
                near_misses.append(_same_team(rng, w, ids, papers[base]))
            case PaperKind.ERRATUM:
                near_misses.append(_erratum(rng, w, ids, papers[base]))
            case PaperKind.PART:
                papers[base], part_two = _parts(rng, w, ids, papers[base])
                near_misses.append(part_two)
            case PaperKind.PREPRINT:
                near_misses.append(_preprint(rng, w, ids, papers[base]))
            case PaperKind.CONFERENCE:
                near_misses.append(_conference(rng, w, ids, papers[base]))
    return near_misses


# ---------------------------------------------------------------------------- database exports

_SMALL_WORDS = frozenset(TITLE_GLUE) | {"a", "an", "the", "to", "at", "or"}
_AUTHOR_STYLE = {
    Database.MEDLINE: "medline",  # Smith JA
    Database.EMBASE: "embase",  # Smith J.A.
    Database.SCOPUS: "scopus",  # Smith, J.A.
    Database.WOS: "wos",  # Smith, JA
    Database.CINAHL: "full",  # Smith, John A.
}
_DATABASES = tuple(database for database, _ in DATABASE_WEIGHTS)
_DATABASE_CUMULATIVE = tuple(accumulate(weight for _, weight in DATABASE_WEIGHTS))


def _title_case(text: str) -> str:
    words = text.split(" ")
    return " ".join(
        word if i and word in _SMALL_WORDS else word[:1].upper() + word[1:]
        for i, word in enumerate(words)
    )


def _typo(rng: random.Random, text: str) -> str:
    """One typing error in one word: two letters swapped, one dropped, doubled or wrong."""
    words = text.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word, j = words[i], rng.randrange(1, len(words[i]) - 1)
    match rng.randrange(4):
        case 0:
            word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        case 1:
            word = word[:j] + word[j + 1 :]
        case 2:
            word = word[:j] + word[j] + word[j:]
        case _:
            word = word[:j] + rng.choice("aeiourstnl") + word[j + 1 :]
    words[i] = word
    return " ".join(words)


def _markup(rng: random.Random, text: str) -> str:
    """HTML left in by a publisher's feed: Greek letters as entities, italic species."""
    if any(letter in text for letter in GREEK_ENTITIES):
        for letter, entity in GREEK_ENTITIES.items():
            text = text.replace(letter, entity)
        return text
    for phrase in ITALIC_PHRASES:
        if phrase in text:
            return text.replace(phrase, f"<i>{phrase}</i>", 1)
    if "'" in text:
        return text.replace("'", "&#x27;")
    words = text.split(" ")
    i = rng.randrange(len(words))
    words[i] = f"<i>{words[i]}</i>"
    return " ".join(words)


@cache
def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNFOLDED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _author(person: Person, style: str, fold: bool) -> str:
    family, given, initials = person.family, person.given, person.initials
    if fold:
        family, given, initials = _ascii(family), _ascii(given), _ascii(initials)
    match style:
        case "medline":
            return f"{family} {initials}"
        case "embase":
            return f"{family} {'.'.join(initials)}."
        case "scopus":
            return f"{family}, {'.'.join(initials)}."
        case "spaced":
            return f"{family}, {'. '.join(initials)}."
        case "wos":
            return f"{family}, {initials}"
        case _:
            return f"{family}, {given} {person.middle}." if person.middle else f"{family}, {given}"


def _dotted(journal: Journal) -> str:
    """ "J. Clin. Oncol.": the abbreviated words of an abbreviation dotted (Scopus, Crossref)."""
    full_words = frozenset(journal.full.split())
    return " ".join(w if w in full_words else f"{w}." for w in journal.abbrev.split())


def _short_end(first: str, last: str) -> str:
    """MEDLINE's page ranges: 1535-1541 is written 1535-41."""
    if not (first.isdigit() and last.isdigit()) or len(first) != len(last):
        return last
    i = 0
    while i < len(last) - 1 and first[i] == last[i]:
        i += 1
    return last[i:]


def _databases(rng: random.Random, count: int) -> list[Database]:
    """The databases that exported a paper's ``count`` records: mostly different ones."""
    chosen: list[Database] = []
    for _ in range(count):
        database = rng.choices(_DATABASES, cum_weights=_DATABASE_CUMULATIVE)[0]
        if database in chosen and rng.random() < 0.9:
            database = rng.choice([d for d in _DATABASES if d not in chosen])
        chosen.append(database)
    return chosen


def _render_title(rng: random.Random, paper: Paper, database: Database, copy: bool) -> str:
    subtitle = paper.subtitle
    if copy and subtitle and rng.random() < 0.08:
        subtitle = ""
    text = f"{paper.title}: {subtitle}" if subtitle else paper.title
    if copy and rng.random() < 0.05:
        text = _typo(rng, text)
    if database is Database.WOS and paper.year < 2000 and rng.random() < 0.5:
        text = text.upper()
    elif database is Database.EMBASE and rng.random() < 0.1:
        text = _title_case(text)
    elif copy and rng.random() < 0.06:
        text = rng.choice((str.upper, str.lower, _title_case))(text)
    if copy and rng.random() < 0.06:
        text = _markup(rng, text)
    if paper.translated and database is Database.MEDLINE:
        text = f"[{text}]"
    if database is Database.MEDLINE or rng.random() < 0.05:
        text += "."
    return text


def _render_authors(rng: random.Random, paper: Paper, database: Database, copy: bool) -> list[str]:
    persons = list(paper.authors)
    if copy and len(persons) > 2 and rng.random() < 0.05:
        del persons[rng.randrange(1, len(persons))]
    style = _AUTHOR_STYLE[database]
    if database is Database.SCOPUS and rng.random() < 0.3:
        style = "spaced"
    fold = database is Database.WOS or rng.random() < 0.1  # diacritics lost
    names = [_author(person, style, fold) for person in persons]
    if fold and rng.random() < 0.5:
        names = [name.replace("-", " ", 1) if "-" in name.split(",")[0] else name for name in names]
    if paper.group_author:
        names.append(paper.group_author)
    if copy and len(names) > 4 and rng.random() < 0.04:
        names = [*names[:3], "et al."]
    return names


def _render_journal(rng: random.Random, journal: Journal, database: Database, copy: bool) -> str:
    abbreviated = database is Database.MEDLINE
    if copy and rng.random() < 0.08:
        abbreviated = not abbreviated
    if abbreviated:
        return _dotted(journal) if database is Database.SCOPUS else journal.abbrev
    return journal.full.upper() if database is Database.WOS else journal.full


def _render(rng: random.Random, paper: Paper, database: Database, copy: bool) -> RecordDict:
    """One database's record of ``paper``; a ``copy`` (not the group's first record) also
    carries the noise of real duplicates: dropped fields, typos, case, markup, a year off."""
    if not paper.last_page:
        pages = paper.first_page
    elif database is Database.MEDLINE:
        pages = f"{paper.first_page}-{_short_end(paper.first_page, paper.last_page)}"
    else:
        pages = f"{paper.first_page}-{paper.last_page}"
    doi = paper.doi
    if doi and copy and rng.random() < 0.1:
        doi = ""
    elif doi and (database is Database.CINAHL or rng.random() < 0.04):
        doi = f"https://doi.org/{doi}"
    elif doi and ((database is Database.WOS and rng.random() < 0.5) or rng.random() < 0.03):
        doi = doi.upper()
    year = paper.year
    if copy and rng.random() < 0.03:  # online-first year in one database, print year in another
        year += 1 if year == FIRST_YEAR or (year < LAST_YEAR and rng.random() < 0.3) else -1
    abstract = paper.abstract
    if abstract and copy and rng.random() < 0.06:
        abstract = ""
    elif abstract and database in {Database.EMBASE, Database.SCOPUS} and rng.random() < 0.3:
        abstract = f"{abstract} {rng.choice(COPYRIGHTS).format(year=paper.year)}"
    return {
        "id": "",
        "title": _render_title(rng, paper, database, copy),
        "authors": _render_authors(rng, paper, database, copy),
        "year": year,
        "journal": _render_journal(rng, paper.journal, database, copy),
        "volume": paper.volume,
        "issue": paper.issue,
        "pages": pages,
        "doi": doi,
        "pmid": "" if copy and rng.random() < 0.1 else paper.pmid,
        "abstract": abstract,
        "type": paper.type,
    }


def _copies_per_paper(rng: random.Random, papers: int, extra_copies: int) -> list[int]:
    """How many records each paper gets (1-4) so that there are ``extra_copies`` beyond one."""
    copies = [1] * papers
    order = list(range(papers))
    rng.shuffle(order)
    remaining = extra_copies
    sizes, weights = zip(*EXTRA_COPIES_WEIGHTS, strict=True)
    for index in order:
        if remaining <= 0:
            break
        extra = min(rng.choices(sizes, weights)[0], remaining)
        copies[index] += extra
        remaining -= extra
    for index in order:  # more copies than papers can take one by one: fill groups up to four
        if remaining <= 0:
            break
        extra = min(4 - copies[index], remaining)
        copies[index] += extra
        remaining -= extra
    return copies


# ---------------------------------------------------------------------------- public interface


def build(n: int, seed: int = 1, duplicate_share: float = 0.3) -> SyntheticExport:
    """``n`` records in random order (ids ``id_0000001``...), the gold duplicate groups and
    what went into them. ``duplicate_share`` is the share of records that are extra copies
    of another record's paper (what a perfect deduplication removes)."""
    if n < 0:
        raise ValueError(f"the number of records must not be negative, not {n}")
    if not 0 <= duplicate_share <= MAX_DUPLICATE_SHARE:
        raise ValueError(
            f"duplicate_share must be between 0 and {MAX_DUPLICATE_SHARE}, not {duplicate_share}"
        )
    w = world()
    return _build(w, n, random.Random(seed), duplicate_share)


def _build(w: World, n: int, rng: random.Random, duplicate_share: float) -> SyntheticExport:
    ids = Identifiers(rng)
    extra_copies = round(duplicate_share * n)
    paper_count = n - extra_copies
    near_miss_count = min(round(NEAR_MISS_SHARE * n), paper_count // 2)
    papers = [_article(rng, w, ids) for _ in range(paper_count - near_miss_count)]
    papers += _add_near_misses(rng, w, ids, papers, near_miss_count)
    copies = _copies_per_paper(rng, len(papers), extra_copies)
    rendered: list[tuple[int, RecordDict]] = []
    for index, (paper, count) in enumerate(zip(papers, copies, strict=True)):
        for number, database in enumerate(_databases(rng, count)):
            rendered.append((index, _render(rng, paper, database, copy=number > 0)))
    rng.shuffle(rendered)  # databases' exports concatenated: copies land anywhere
    width = max(7, len(str(n)))
    members: dict[int, list[str]] = {}
    records = []
    for position, (index, record) in enumerate(rendered, 1):
        record["id"] = f"id_{position:0{width}d}"
        records.append(record)
        if copies[index] > 1:
            members.setdefault(index, []).append(record["id"])
    return SyntheticExport(
        records=records,
        groups=sorted(members.values()),
        papers=len(papers),
        near_misses=Counter(str(p.kind) for p in papers if p.kind is not PaperKind.ARTICLE),
    )


def generate(
    n: int, seed: int = 1, duplicate_share: float = 0.3
) -> tuple[list[RecordDict], list[list[str]]]:
    """``n`` record dicts and the gold duplicate groups (lists of 2-4 ids); the same for the
    same arguments. See :func:`build`."""
    export = build(n, seed, duplicate_share)
    return export.records, export.groups


def write_ris(records: Sequence[RecordDict], path: Path | str) -> None:
    """RIS as databases export it; each record's id in ``ID`` (screener's source_record_id)."""
    with Path(path).open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            lines = [f"TY  - {record['type'] or 'JOUR'}", f"ID  - {record['id']}"]
            lines.append(f"TI  - {record['title']}")
            lines += [f"AU  - {author}" for author in record["authors"]]
            if record["year"]:
                lines.append(f"PY  - {record['year']}")
            for tag, key in (("T2", "journal"), ("VL", "volume"), ("IS", "issue")):
                if record[key]:
                    lines.append(f"{tag}  - {record[key]}")
            if record["pages"]:
                start, _, end = record["pages"].partition("-")
                lines.append(f"SP  - {start}")
                if end:
                    lines.append(f"EP  - {end}")
            if record["doi"]:
                lines.append(f"DO  - {record['doi']}")
            if record["pmid"]:
                lines.append(f"AN  - PMID: {record['pmid']}")
            if record["abstract"]:
                lines.append(f"AB  - {record['abstract']}")
            lines.append("ER  - \n\n")
            out.write("\n".join(lines))


def write_gold(groups: Sequence[Sequence[str]], path: Path | str) -> None:
    """The gold groups as bib-dedupe's merged_record_ids.csv: ``merged_ids``, ids joined by ';'."""
    with Path(path).open("w", encoding="utf-8", newline="") as out:
        out.write("merged_ids\n")
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerows([";".join(group)] for group in groups)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int, metavar="N", help="number of records")
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to write into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--duplicate-share",
        type=float,
        default=0.3,
        help="share of the records that are extra copies of another record (default 0.3)",
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    if not 0 <= args.duplicate_share <= MAX_DUPLICATE_SHARE:
        parser.error(f"--duplicate-share must be between 0 and {MAX_DUPLICATE_SHARE}")
    start = time.perf_counter()
    export = build(args.n, args.seed, args.duplicate_share)
    generated = time.perf_counter() - start
    ris_path, gold_path = args.out_dir / "records.ris", args.out_dir / "gold.csv"
    try:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        write_ris(export.records, ris_path)
        write_gold(export.groups, gold_path)
    except OSError as exc:
        parser.exit(1, f"cannot write to {args.out_dir}: {exc.strerror}\n")
    written = time.perf_counter() - start - generated
    records, groups = export.records, export.groups
    sizes = Counter(len(group) for group in groups)
    in_groups = sum(len(group) for group in groups)
    print(f"records            {len(records):>8}   (seed {args.seed})")
    print(f"papers             {export.papers:>8}")
    print(
        f"duplicate groups   {len(groups):>8}   "
        + ", ".join(f"{size} records: {sizes[size]}" for size in sorted(sizes))
    )
    print(f"records in groups  {in_groups:>8}   extra copies: {in_groups - len(groups)}")
    print(
        f"near-misses        {sum(export.near_misses.values()):>8}   "
        + ", ".join(f"{kind}: {export.near_misses[kind]}" for kind in NEAR_MISS_KINDS)
    )
    with_doi = sum(1 for record in records if record["doi"]) / max(1, len(records))
    with_pmid = sum(1 for record in records if record["pmid"]) / max(1, len(records))
    print(f"with DOI / PMID    {with_doi:>8.1%}   {with_pmid:.1%}")
    print(f"generated in {generated:.1f} s, written in {written:.1f} s:")
    print(f"  {ris_path} ({ris_path.stat().st_size / 1e6:.1f} MB)")
    print(f"  {gold_path}")


if __name__ == "__main__":
    main()
