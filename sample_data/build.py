"""Build the sample trackers in ``sample_data/`` from the five seed board papers' own tables.

Run ``python -m sample_data.build`` to write them again. The tables keep the seeds' mess on purpose
(title rows, headers repeated at page breaks, rows split across pages, "Sept 16", "£40k £100k",
"Low - med", HTML debris), because the sample data is also the loaders' test data.

The seeds hold no RAG ratings, spend, forecasts or metric actuals. Columns holding those are
ILLUSTRATIVE progress updates, invented for the demo and marked so in each workbook's "About" sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.styles import Font, PatternFill

HERE = Path(__file__).resolve().parent

RED, AMBER, GREEN = "FFFF0000", "FFFFC000", "FF00B050"
ILLUSTRATIVE = (
    "Columns marked (illustrative) - Status, RAG, forecast, actual spend and metric actuals - are invented progress "
    "updates for the demo. The seed board papers hold no RAG ratings, spend or actuals."
)


@dataclass
class Fill:
    """A cell shown only by its colour, as leads often mark RAG."""

    rgb: str
    value: object = None


@dataclass
class Bold:
    value: object


def _rows(text: str) -> list[list[object]]:
    """Tab-separated lines as in the seeds; '' is an empty cell."""
    out = []
    for line in text.strip("\n").split("\n"):
        out.append([] if line.strip() == "" else [c if c != "" else None for c in line.split("\t")])
    return out


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], about: str) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, Fill):
                    cell.fill = PatternFill("solid", fgColor=value.rgb)
                    value = value.value
                if isinstance(value, Bold):
                    cell.font = Font(bold=True)
                    value = value.value
                if value is not None:
                    cell.value = value
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = 24
    about_ws = wb.create_sheet("About")
    for line in [about, "", ILLUSTRATIVE]:
        about_ws.append([line])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def write_csv(path: Path, text: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))


# ------------------------------------------------------------------------------------------------
# 000 Nottinghamshire Pathway to Integrated Services (P2IS) Project Board
# ------------------------------------------------------------------------------------------------

def nottinghamshire() -> None:
    base = HERE / "nottinghamshire-p2is"
    costs = _rows("""
6. Estimated Project Costs
There will be costs associated with the following activities. Initial estimates for some costs are included.

Description\t08/09 financial year £\t09/10 financial year £\t10/11 financial year £
Project management of P2IS board work (1/3 FT post)\t8250\t17000\t17500
Administrative support for the Board (1/3 full-time post)\t3000\t6200\t6500
Venue, hospitality and administration costs for Board meetings\t100\t500\t0
Communication events and activities\t200\t1000\t1000
Events and materials to support the participation of children, young people and families\t500\t1000\t1000
Costs associated with initiation, operation and final evaluation of Test Beds (see PID for Test Bed Projects for more detail)\t0\tTo be confirmed\t0
Total\t12050\t25700\t26000
""")
    # Appendix 2: one row per milestone (the seed packs several "◆" into a month), with the initiative
    # and locality a programme office would add, and illustrative status and RAG (some as cell colour).
    schedule = [
        ["Pathway to Integrated Services Project Board:"],
        ["Possible Meeting Schedule September 2008 – March 2010"],
        [],
        ["Initiative", "Locality", "Identified milestone", "Month", "Status (illustrative)", "RAG (illustrative)"],
        ["P2IS Project Board", "County-wide", "◆ P2IS Project Board proposal to CSEG", "Sep 2008", "Complete", "Green"],
        [None, "County-wide", "◆ P2IS Project Board proposal to CYPP", "Oct 2008", "Complete", "Green"],
        ["ContactPoint", "County-wide", "◆ ContactPoint DCSF RA 6", "Oct 2008", "Complete", Fill(GREEN)],
        ["P2IS Project Board", "County-wide", "◆ First meeting of P2IS Project Board", "Nov 2008", "Complete", "G"],
        ["District Test Beds", "Ashfield", "◆ First meetings of District Review Groups overseeing Test Beds", "Dec 2009",
         "Complete", "Green"],
        [None, "Newark and Sherwood", "◆ First meetings of District Review Groups overseeing Test Beds", "Dec 2009",
         "Complete", "Green"],
        ["Programme for Change", "County-wide", "◆ Programme for Change draft action plans", "Dec 2008", "Complete", "Green"],
        ["JAT, CAF and Lead Professional", "County-wide", "◆ JAT roll-out phase 4 complete", "Jan 2009", "Complete",
         Fill(GREEN)],
        ["ContactPoint", "County-wide", "◆ ContactPoint Early Adopter Authorities go live", "Jan 2009", "Complete", "Green"],
        [None, "County-wide", "◆ ContactPoint DCSF RA 7", "Jan 2009", "Complete", "Green"],
        ["District Test Beds", "Ashfield", "◆ District Test Beds Action Plans produced", "Feb 2009", "Delayed", "Amber"],
        [None, "Newark and Sherwood", "◆ District Test Beds Action Plans produced", "Feb 2009", "Complete", "Green"],
        ["Programme for Change", "County-wide", "◆ Programme for Change publication / dissemination of final action plans",
         "Feb 2009", "In progress", Fill(AMBER)],
        ["ContactPoint", "County-wide", "◆ ContactPoint Deployment slot 1: Receipt of national system", "Mar 2009",
         "In progress", "Amber"],
        [None, "County-wide", "◆ ContactPoint accreditation and connection of partnership data sources", "Apr 2009",
         "Not started", "Red/Amber"],
        ["JAT, CAF and Lead Professional", "County-wide", "◆ JAT roll-out phase 5 complete", "May 2009", "Not started", None],
        ["ContactPoint", "County-wide", "◆ ContactPoint training for partnership commences", "Jun 2009", "Not started", None],
        ["JAT, CAF and Lead Professional", "County-wide", "◆ JAT roll-out phase 6 complete", "Sep 2009", "Not started", None],
        ["District Test Beds", "Ashfield", "◆ External evaluation of District Test Beds completed", "Oct 2009", "Not started",
         None],
        [None, "Newark and Sherwood", "◆ External evaluation of District Test Beds completed", "Oct 2009", "Not started",
         None],
        [None, "County-wide", "◆ District Review Groups have completed recommendations for integrated working",
         "Dec 2009", "Not started", None],
        ["JAT, CAF and Lead Professional", "County-wide", "◆ JAT roll-out phase 7 complete", "Jan 2010", "Not started", None],
        [None, "County-wide", "◆ CAF training roll-out completed", "Jan 2010", None, None],
        ["P2IS Project Board", "County-wide", "◆ Model for county-wide infrastructure to support integrated working completed",
         "Feb 2010", None, None],
        [],
        ["Note: 'Dec 2009' for the first District Review Group meetings is as written in the PID (a Dec 2008 slot)."],
    ]
    about = "Nottinghamshire P2IS Project Board: costs (PID section 6) and milestones (Appendix 2 meeting schedule)."
    write_xlsx(base / "project-costs.xlsx", {"Estimated costs": costs}, about)
    write_xlsx(base / "milestones.xlsx", {"Appendix 2": schedule}, about)
    write_xlsx(base / "meeting-schedule.xlsx", {"Meeting schedule": nottinghamshire_schedule()},
               "Nottinghamshire P2IS Project Board: the reporting schedule for its monthly meetings (PID Appendix 2, "
               "'Possible Meeting Schedule'), as written, 'Dec 2009' for the December 2008 slot included.")


def nottinghamshire_schedule() -> list[list[object]]:
    """Appendix 2 as the PID prints it: month, the milestones (◆) due and the suggested agenda items (●), with its
    HTML list debris. The PID leaves the month column unnamed; a programme office names it to upload it."""
    ul = '<ul style="list-style-type: none"> '
    rows = _rows("""
Pathway to Integrated Services Project Board:
Possible Meeting Schedule September 2008 – March 2009

Month\tIdentified milestone\tSuggested Agenda Items
Sep 2008\t◆ P2IS Project Board proposal to CSEG\t
Oct 2008\t◆ P2IS Project Board proposal to CYPP ◆ ContactPoint DCSF RA 6\t
Nov 2008\t◆ First meeting of P2IS Project Board\tUL● Agreement of Group Terms of Reference ● Overview of all projects and developments to be overseen by P2IS Project Board
Dec 2009\t◆ First meetings of District Review Groups overseeing Test Beds ◆ Programme for Change draft action plans\tUL● Reports from Test Beds and Programme for Change ● ContactPoint and eCAF ● Identify interdependencies with other development areas
Jan 2009\t◆ JAT roll-out phase 4 complete ◆ ContactPoint Early Adopter Authorities go live ◆ ContactPoint DCSF RA 7\tUL● JAT and CAF roll-out progress reports ● Lead Professional development ● ContactPoint and eCAF ● Identify interdependencies with other development areas
Feb 2009\t◆ District Test Beds Action Plans produced ◆ Programme for Change publication / dissemination of final action plans\tUL● Reports from Test Beds and Programme for Change ● Review of Test Beds Action Plans and Programme for Change action plan
Mar 2009\t◆ ContactPoint Deployment slot 1: Receipt of national system\tUL● ContactPoint and eCAF ● Information sharing ● Review interdependencies with other development areas
Apr 2009\t◆ ContactPoint accreditation and connection of partnership data sources\tUL● Reports from Test Beds ● JAT and CAF roll-out progress reports ● Lead Professional development
May 2009\t◆ JAT roll-out phase 5 complete\tUL● ContactPoint and eCAF ● Information sharing ● Review interdependencies with other development areas
Jun 2009\t◆ ContactPoint training for partnership commences\tUL● Reports from Test Beds ● JAT and CAF roll-out progress reports ● Lead Professional development
Jul 2009\t\tUL● ContactPoint and eCAF ● Information sharing ● Review interdependencies with other development areas

Aug 2009\t\t
Sep 2009\t◆ JAT roll-out phase 6 complete\tUL● Reports from Test Beds ● JAT and CAF roll-out progress reports ● Lead Professional development ● ContactPoint and eCAF
Oct 2009\t◆ External evaluation of District Test Beds completed\tUL● Reports from Test Beds ● Review Test Bed External Evaluation ● Development work on county-wide infrastructure model
Nov 2009\t\tUL● ContactPoint and eCAF ● Information sharing ● Development work on county-wide infrastructure model
Dec 2009\t◆ District Review Groups have completed recommendations for integrated working\tUL● Review Test Bed recommendations ● Development work on county-wide infrastructure model
Jan 2010\tUL◆ JAT roll-out phase 7 complete ◆ CAF training roll-out completed\tUL● ContactPoint and eCAF ● Final review of JAT and CAF roll-out and agreement on any further action needed to embed CAF/JAT /lead professional ● Development work on county-wide infrastructure model
Feb 2010\t◆ Model for county-wide infrastructure to support integrated working completed\tUL● Agree model for county-wide infrastructure to support integrated working
Mar 2010\t\tUL● Publication / dissemination of model for county-wide infrastructure and agreement of implementation plan
""")
    return [[c.replace("UL", ul) if isinstance(c, str) else c for c in row] for row in rows]


# ------------------------------------------------------------------------------------------------
# 001 Plymouth: Integrated Offer for Community Health, Wellbeing and SEND
# ------------------------------------------------------------------------------------------------

def plymouth() -> None:
    base = HERE / "plymouth-send"
    risks = _rows("""
8. Risks/ Dependencies

Risk\tPossible outcomes\tMitigation
Delays in Governance arrangements being agreed and implemented\tDelay in the development of Phase I leading to delays across the whole project\tProject group to develop realistic timescales and report regularly to the Board on progress.
Delays in establishing and implementing the single point of access process\tDelays in the start of the single point of access will lead to confusion and misunderstandings across the organisations which in turn could lead to dissatisfaction of families\tProject group to ensure that project is kept on time. Project group to write and deliver a clear communication plan.
Culture change across the organisations takes longer than anticipated to embed\tWorkforce may be resistant to change which will hinder the embedding of the new processes.\tProject group and Board to ensure that workforce are involved in the incremental changes and are kept fully informed of plans and timescales.
Delays in the implementation of Phase I will reduce the level of savings to be achieved through the integration of services\tSavings to be achieved through rationalisation of processes and co-location (where appropriate) of workforce could be reduced if the project is not kept to time\tProject group to be aware of the timescale to develop new processes.
MDT Intake decision making proves ineffective due to the quality and accuracy of available information\tChild and family do not receive the most appropriate support and intervention\tEncourage examples to be highlighted and investigated to ensure future learning
Lack of appropriate ICT systems impact on available information\tMDT decisions are based on incomplete or inaccurate information\tICT user group formed to consider issues raised. ICT issues are identified to inform any future developments or procurement

Service user expectations are raised unrealistically\tService user dissatisfaction with SPOA\tConsistent engagement and communication with service users and on-going feedback gathered
Changes in referral processes lead to referrals being lost or delayed\tDelays in children and families accessing support and intervention and frustration from colleagues in universal services\tClear communication with referrers regarding any changes in process.
Demand/Capacity Service Changes\tMDT decisions result in changes to the levels of demand across SEND services leading to delays in some service areas\tSEND management teams will monitor and trends and identify these to commissioners
Demands of procurement activity removes capacity to implement this offer across the three organisations\tFailure to implement the plan at Phase 2 in the project plan\tConfirm with commissioners that timescale for a procurement decision.
""")
    phases = [
        ["Project Plan: Integrated Offer for Community Health, Wellbeing and SEND (Version 1.1)"],
        [],
        ["Phase", "Strand", "Task", "Timescale", "Owner", "Status (illustrative)"],
        ["Phase I", "Establishing and confirming project governance", "Commitment to proceed", "September 2017",
         "Judith Harwood", "Complete"],
        [None, None, "Establish the TOR of the Steering Group", "Oct 2017", "Judith Harwood", "Complete"],
        [None, None, "Establish the Project Working Group", "Oct 2017", "Jo Siney", "Complete"],
        [None, None, "Memorandum of understanding", "Nov 2017", "Judith Harwood", "In progress"],
        [None, None, "Communication and Engagement Plan", "September to December 2017", "Jo Siney", "Complete"],
        [None, "Scope requirements for the work", "Information exchange agreement and data protection", "Dec 2017",
         "Jo Siney", "Delayed"],
        [None, None, "ICT requirements", "Dec 2017", "Jo Siney", "In progress"],
        [None, None, "HR advice", "Dec 2017", None, "Complete"],
        [None, "Develop 'Single Point of Access' operating model – proof of concept", "Workflow and Process mapping",
         "Dec 2017", "Jo Siney", "In progress"],
        [None, None, "Location", "Dec 2017", None, "On hold"],
        [None, "Principles of 'trusted triage' agreed across organisations", "Principles of 'trusted triage' agreed and "
         "embedded into the working practices", "Dec 2017", "Project group", "In progress"],
        ["Phase 2", "Launch", "Launch of Single Point of Access arrangements", "January 2018", "Project group", "Not started"],
        [None, None, "Single Point of Access /trusted triage monitoring and evaluation framework commences", "Feb 2018",
         None, "Not started"],
        [None, "Local priority themes", "Commence scoping work: Health literacy and prevention work for SEND (linked to "
         "MEYSOG)", "January 2018- September 2018", None, "Not started"],
        [None, None, "Commence scoping work: Autism Spectrum Condition – early identification through to post assessment "
         "support planning", "January 2018- September 2018", None, "Not started"],
        ["Phase 3", "Evaluation", "Evaluation findings reviewed", "September 2018 onwards", None, None],
        [None, None, "Next steps for further integration agreed", "TBC", None, None],
    ]
    costs = (
        "Estimated Central Project Costs\n"
        "Cost,Amount,Actual to date (illustrative)\n"
        "Estimated Project Management Resource Cost (including BA/PSO support),\"£35,000\",\"£21,400\"\n"
        "Estimated Communication Cost,\"£5,000\",\"£1,250\"\n"
        "Accommodation and other costs,\"£10,000\",£0\n"
        "Estimated WFD costs,\"£5,000\",\"£2,300\"\n"
        "Estimated total,\"£55,000\",\n"
    )
    metrics = [
        ["7. Expected Benefits: measures (illustrative actuals)"],
        ["Measure", "Unit", "Direction", "Period", "Target", "Actual"],
        ["Families reporting improved satisfaction with services", "%", "Higher is better", "2017-18 Q3", "60%", "52%"],
        [None, None, None, "2017-18 Q4", "65%", "61%"],
        [None, None, None, "2018-19 Q1", "70%", "68%"],
        ["Median wait from referral to first support (days)", "days", "Lower is better", "2017-18 Q3", 42, 55],
        [None, None, None, "2017-18 Q4", 35, 47],
        [None, None, None, "2018-19 Q1", 28, 31],
    ]
    about = "Plymouth integration proposal (v1.1): risks/dependencies (section 8), phase plan and central project costs."
    write_xlsx(base / "risks.xlsx", {"Risks and dependencies": risks}, about)
    write_xlsx(base / "project-plan.xlsx", {"Project plan": phases}, about)
    write_xlsx(base / "benefits.xlsx", {"Benefits": metrics}, about)
    # A finance officer's export: Windows-1252 CSV with £ signs and no sheet.
    write_csv(base / "project-costs.csv", costs, "cp1252")


# ------------------------------------------------------------------------------------------------
# 002 Bradford TIG Children's sub-group
# ------------------------------------------------------------------------------------------------

def bradford() -> None:
    base = HERE / "bradford-tig"
    plan = [
        ["TIG Children's sub-group: workstream timetable (from the October 2011 outline business case)"],
        ["Area", "Action", "Lead", "By", "Status (illustrative)", "RAG (illustrative)"],
        ["Area 1: Integrated Care Pathway for 0-4s", "Leads to specify work needed, assess risks and produce a broad "
         "timetable", "Shirley Brierley", "By end November 2011", "Complete", "Green"],
        [None, "Implementation of Health Visitor Plan and Early Years Review", "Shirley Brierley", "Sept 2011-March 2012",
         "In progress", "Amber"],
        ["Area 2: Children's Services Front Door", "Leads to specify work needed, assess risks and produce a broad "
         "timetable", "Melanie John-Ross", "By end November 2011", "Complete", "Green"],
        [None, "Co-locate the Multi-agency Screening Team at Flockton House", "Melanie John-Ross", "March 2012",
         "Delayed", "Red"],
        ["Area 3: Integrated Early Support Pathway (disabled children)", "Leads to specify work needed, assess risks and "
         "produce a broad timetable", "Bill Turner", "By end November 2011", "Complete", "Green"],
        [None, "Deliverables to be determined once senior workstream lead comes into post", "Bill Turner", "2012-13",
         "Not started", None],
    ]
    risks = (
        "2.3 Risks – to be assessed, logged and mitigated for each workstream\n"
        "Ref,Risk,Impact,Mitigation,Owner\n"
        "TIG1,Disruption to service delivery during transition to integrated model,,To be logged as risks and mitigated,"
        "Workstream leads\n"
        "TIG2,Lack of clarity over governance at area level,,Clarify governance of the workstreams under the Children's "
        "Trust,Senior managers\n"
        "TIG3,Capacity of leads to take workstreams forward alongside current roles,,Agree leads and resources with "
        "Directors,Senior managers\n"
    )
    metrics = [
        ["Front door baseline (from the business case); later years illustrative"],
        ["Indicator", "Period", "Actual", "Target (illustrative)", "Direction"],
        ["Referrals to children's social care", "2009-10", 7447, None, "lower"],
        [None, "2010-11", 5928, None, "lower"],
        [None, "2011-12", 5610, 5700, "lower"],
        ["Initial assessments by social workers", "2010-11", 4296, None, "lower"],
        [None, "2011-12", 4010, 4100, "lower"],
    ]
    about = "Bradford TIG Children's sub-group board paper and outline business case (October 2011)."
    write_xlsx(base / "workstreams.xlsx", {"Timetable": plan}, about)
    write_xlsx(base / "front-door-measures.xlsx", {"Measures": metrics}, about)
    # UTF-8 with a byte-order mark, as Excel's "CSV UTF-8" writes it.
    write_csv(base / "risks.csv", risks, "utf-8-sig")


# ------------------------------------------------------------------------------------------------
# 003 Rutland Health and Wellbeing Board: Better Care Fund 2016-17
# ------------------------------------------------------------------------------------------------

def rutland() -> None:
    base = HERE / "rutland-hwb"
    pooled = _rows("""
2. Budget overview

Budget\tAmount 2016-17
CCG contribution\t£2,061k
Disabled Facilities Grant\t£186k
Carry forward from 2015-16, held by Local Authority - for one-off activities and pilots\t£200k
Total plan\t£2,447k
Contingency Fund – carried forward from 2015-16\t£117k
Risk share fund (non-elective admissions)\t£101k
""")
    schemes = _rows("""
5. The priorities and schemes

Priorities and schemes\tLead/ commissioner\tFunding\tForecast outturn (illustrative)\tSpent to date (illustrative)
Unified Prevention Schemes\t\t£528k
1. Coordination and communication: making it easier for people to identify services and opportunities to support them in remaining well, active and independent.\tRCC\t£30k\t£30k\t£12k
2. Community prevention and wellbeing services: Continuing the Community Agents scheme and broadening access to such services, helping individuals to maintain health and independence. Developing community capacity.\tRCC\t£187k\t£187k\t£94k
3. Life planning – preventative services: Supporting a range of ongoing and new prevention services including assistive technology and falls prevention.\tRCC\t£125k\t£110k\t£41k
4. Life planning – Disabled Facilities Grants: Grants supporting housing adaptations that sustain independence\tRCC - DFG Capital\t£186k\t£186k\t£120k
LTC Management Schemes\t\t£898k
5. Integrated case management for LTCs: Reintroducing case management approaches to provide ‘whole person’ responses to managing LTCs.\tLCC ELRCCG\t£40k £100k
6. Integrated community health and care services for LTC and high needs: The heart of the integration programme supporting health and care services to work together on LTC management.\tELRCCG RCC\t£405k £113k
7. LTC management – innovation fund: Projects supporting integrated ways of working to manage LTCs.\tRCC\t£55k\t£40k\t£8k
8. Dementia care: Continuing with dementia services, dementia friendly communities and pathway development.\tRCC\t£100k\t£100k\t£48k
Crisis response Schemes\t\t£936k
9. Crisis response: Providing 24:7 local alternatives to hospital where this is not the best response to a health crisis.\tELRCCG RCC\t£125k £115k
10. Transfers of care and reablement: Driving down delayed transfers of care (DOTCs) affecting Rutland patients via a DTOC action plan. Reablement.\tRCC ELRCCG\t£561k £135k
Enablers Schemes\t\t£85k
11. Enablers activity: workforce, data sharing, IT, analytics, etc.\tRCC\t£34k\t£34k\t£15k
12. Integrated commissioning: Identifying and progressing coordinated commissioning opportunities.\tRCC ELRCCG\t£0k
13. Programme management\tRCC\t£51k\t£55k\t£26k
""")
    milestones_up = _rows("""
1.3 Scheme milestones

Activity\tMilestone\tDependency\tResponsible\tStart\tEnd\tStatus (illustrative)\tRAG (illustrative)
Coordination and communication\tDevelop a coordinated approach to promoting health, wellbeing and prevention information and link as appropriate with programmes such as One You.\tEach of the strands of this activity to be taken forward through a task and finish group\tSandra Taylor & Trish Crowson\tJune 16\tMarch 2017\tIn progress\tGreen
\tDeliver Phase 2 of the Rutland information Service alongside the council website redevelopment\t\tSandra Taylor/ Trish Crowson & Task group\tSept 16\tMarch 2017\tIn progress\tAmber
\tDevelopment of information platform to better communicate available activities and services (all sectors), including regular usability testing with end users and monitoring via Google Analytics\t\tSandra Taylor/ Trish Crowson & Task group\tSept 16\tMarch 2017\tIn progress\tGreen

Activity\tMilestone\tDependency\tResponsible\tStart\tEnd\tStatus (illustrative)\tRAG (illustrative)
\tUndertake an up to date end user focussed needs analysis to identify what information is needed to support unified prevention and self- care\t\t\tMay 16\tSept 16\tComplete\tGreen
\tStreamline community information/ advice and guidance. access points through commissioning of an integrated prevention and wellness service\t\t\tJune 16\tMarch 17\tDelayed\tRed
Community prevention and wellbeing services\tAlign where appropriate with BCT approaches on prevention (e.g BCT prevention workshop proposals) and making every contact count.\t\tTracey Webb & Neil Lester\tMay 16\tMarch17\tIn progress\tGreen
\tEmbed changes to ASC prevention and safeguarding team and introduce new monitoring framework\t\tTracy Webb, Neil Lester and Kelly McAleese\t\tAug 16\tComplete\tGreen
\tSteer, review and evaluate falls prevention projects. Identify next steps /develop plan to shape new or adapt or extend projects\t\tKerry Tobin\tJuly 2016\tDec 16\tIn progress\tAmber
\tCommunity Agents Scheme to expand community capacity building as well as numbers of individual support in the community across the county\t\tTrish Crowson via Spire Housing/Community Agents\tApril 16\tMarch 17\tIn progress\tGreen
\tUnder take Phase 1 of the commissioning of new integrated Community Preventative and Wellness Services, including co-design with stakeholders and potential service users\tSubject to suitable bidders participating in the process of redesign and commitment throughout the summer\tKaren Kibblewhite\tApril 16\tSept 16\tComplete\tGreen

Activity\tMilestone\tDependency\tResponsible\tStart\tEnd\tStatus (illustrative)\tRAG (illustrative)
\tUndertake the procurement for integrated Community Preventative and Wellness Services, encompassing mainstream and BCF funded activity\tSubject to suitable models and range of services included/ and or commissioned separately\tKaren Kibblewhite\tSeptember 16\tMarch 17\tDelayed\tAmber
Life planning - prevention\tEvaluate the Speakset pilot to consider ongoing need and future development\t\tKerry Tobin\t\tSept 16\tComplete\tGreen
\tEnsure Assistive Technology services to meet needs is commissioned whether through integrated service or otherwise\tCurrent contract rolled forward to March 17.\tTBC\t\tMarch 17\tNot started\tAmber
\tReview current projects and identify any unmet prevention priorities and opportunities in partnership. Put in place projects / schemes up to the value of uncommitted resources.\tEffective use of underspend subject to review.\tTrish Crowson/ Kerry Tobin\tMay 2016\tAugust 16\tComplete\tGreen
Life planning - DFGs\tAlign where appropriate with BCT. Confirm adjusted approach to Disabled Facilities Grants to broaden DFG scope and impact\t\tNeil Lester Kim Sorsky and Sarah McCormack\tMay 16\tSept 16\tComplete\tGreen
\tImplement new model of delivery for DFGs and\t\tKim Sorsky\tJul 2016\tMarch 17\tIn progress\tAmber

Activity\tMilestone\tDependency\tResponsible\tStart\tEnd\tStatus (illustrative)\tRAG (illustrative)
\tadaptations\t\tand Sarah McCormack\t\t\t\t
\tRenew Community Agents contract\t\tTrish Crowson\t\tRenew as required\t\t
""")
    milestones_ltc = _rows("""
1.3 Scheme milestones

Activity\tMilestone\tDependency\tResponsible\tStart Date\tEnd Date\tStatus (illustrative)
Integrated case management\tRefresh provision of Integrated Care Coordination service (link from GP to social care for patients identified as with additional needs)\tWider engagement across ELRCCG\tNeil Lester\tMay 16\t\tIn progress
\tAgree the plan to meet the national condition relating to joint\tDependent on partners\tJohn Morley\tJune 2016\tSept 2016\tComplete

Activity\tMilestone\tDependency\tResponsible\tStart Date\tEnd Date\tStatus (illustrative)
\tassessments, care planning and accountable professionals. Case management approach.\tengaging\t\t\t\t
\tAlign RCC teams to primary care structures and explore colocation possibility with GP staff and integrate case management\tAll partners engaging\tJohn Morley\tMay 16\tMay 2017\tIn progress
\tDevelop link worker roles with specialisms such as LD OP across primary care group for specialist input\tAll partners engaging\tJohn Morley\tJune 2016\tMay 2017\tIn progress
\tEmbedding of senior social work staff attending GP MDT sessions\tAll partners engaging\tTracey Webb\tJune 2016\tMay 2017\tDelayed
\tFormulate governance structure for information sharing around NHS number with health colleagues/surgeries.\tAll partners engaging and national remit\tSandra Taylor\tAug 2016\tJune 2018\tIn progress
\tEstablish ASC clinic times within GP practices around Rutland.\tGp buy in and times allocated\tNeil Lester\tMay 2017\tDec 2018\tNot started
Integrated community care for LTCs and high needs\tASC teams to adopt Care Management approach to workforce delivery to widen opportunities to recruit operational staff\tAvailability of suitably qualified and experienced staff\tJohn Morley\tDec 2016\tMay 2017\tNot started
\tEmbed integrated risk stratification for Long term conditions\tAll partners engaging\tKim Sorsky\tSEPT 2016\tMar 2017\tIn progress
LTC management - innovation fund\tAgree and deliver projects to trial innovative initiatives that support the management of LTCs (eg. telehealth, condition monitoring, support groups)\tPartners engaging\tKim Sorsky\tOct 2016\tAug 2017\tNot started
Integrated dementia services\tEmbed provision of Alzheimer's Society person-centred services to individuals with dementia and their carers, helping them to live well\tService user and family engagement\tKim Sorsky\tMar 2016\tMar 2017\tIn progress
\tIntegrate Alzheimer's Society dementia support workers in Long term and review team\tOffice space for staff to colocate\tKim Sorsky\tMar 2017\tMar 2018\tNot started
Care Act - carers\tEmbed Carers support in Prevention and Safeguarding team\tStaff integrated into team\tTracey Webb\tJun 16\tSept 2016\tComplete
""")
    milestones_crisis = _rows("""
1.3 Scheme milestones

Admission avoidance - Metric 1. Non-Elective Admissions (General & Acute)

Aim\tActions\tStart\tFinish\tresponsible\tStatus (illustrative)
People diverted from acute beds\t<ul style="list-style-type: none"> Continuing delivery of ICRS crisis response admissions avoidance service in Rutland \tOngoing\t\tRachel Dewar LPT\tIn progress
\t<ul style="list-style-type: none"> Integrated work with Peterborough City Hospital (PCH) emergency diversion team to ensure Integrated Care Service is fully utilised \tMay 2016\tJune 2016\tNeil Doverly\tComplete
\t<ul style="list-style-type: none"> Integrated care coordinator working in Rutland GP surgeries to offer additional support to people identified by GPs as frequently admitted to hospital. \tMay 2016\tMar 2017\tVicky Hughes\tIn progress
\t<ul style="list-style-type: none"> Work with care homes to raise profile of alternatives to acute response – e.g. ICS/REACH/Crisis response /respite – through the Provider Forum \tMay 2016\tJuly 2016\tNeil Lester\tComplete
Patients prevented from ill health that requires acute health service intervention\t<ul style="list-style-type: none"> • Deliver Hub project in GP surgeries \tJune 2016\tJan 2017\tNeil Lester\tDelayed
Discharges taking place 24/7\t<ul style="list-style-type: none"> MDT staff contracts to include flexible and weekends working if required will also ensure 7 day services could be an option \tJune 2016\tSept 2016\tRachel Dewar & Emmajane Perkins\tComplete
\t<ul style="list-style-type: none"> Align REACH team with relevant LPT sections to integrate in a later part of the plan. \tJune 2016\tJan 2018\t\tIn progress
\t<ul style="list-style-type: none"> Coordinate activity with Vanguard OOH GP, Urgent care centres & 111 service review \tJune 2016\tJan 2017\t\tIn progress
\tReview the DTOC action plan with acute trusts\tMay 2016\tApril 2016\tEmma Jane Perkins\tComplete
""")
    enablers = _rows("""
1.2 Key activities, milestones (stages), deliverables

Actions, Milestones, Deliverables (X = product or deliverable)\tDependencies\tLead\tMar-16\tApr-16\tMay-16\tJun-16\tJul-16\tAug-16\tSep-16\tOct-16\tNov-16\tDec-16\tJan-17\tFeb-17\tMar-17
BCF Programme approval\t\t\t\t\tX\t\t\t\t\t\t\t\t\t\t
Enablers business plan\t\tS Taylor\t\tX\t\t\t\t\t\t\t\t\t\t\t
E1 ENABLERS\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t
BCF communication plan 2016-17\t\tS Taylor\t\t\tX\t\t\t\t\t\t\t\t\t\t
Complete RCC IG Toolkit and understand compliance gap [complete]\t\tS Taylor\t\t\tX\t\t\t\t\t\t\t\t\t\t
RCC IG Toolkit compliance obtained\t\tHSCIC\t\t\t\t\tX\t\t\t\t\t\t\t\t
Understand Information Governance gaps for integrated working including Information sharing agreements, training and fair processing adjustments\tWorking with 3x priorities\tS Taylor\t\t\t\t\t\tX\t\t\t\t\t\t\t
Plan to address IG blockers\t\tS Taylor\t\t\t\t\t\tX\t\t\t\t\t\t\t
Alongside the IG gap analysis, identify IT opportunities to support integration\tWorking with 3x priorities\tS Taylor\t\t\t\t\t\tX\t\t\t\t\t\t\t
National BCF returns\t\t\t\t\tX\t\t\tX\t\t\tX\t\t\tX\t
Review the application & usefulness of Care & Health Trak dashboards locally\t\tJHaynes STaylor\t\t\t\t\t\t\t\tX\t\t\t\t\t
Develop a proposal to increase the learning from service user experience.\t\t\t\t\t\t\t\t\tX\t\t\t\t\t\t

Actions, Milestones, Deliverables (X = product or deliverable)\tDependencies\tLead\tMar-16\tApr-16\tMay-16\tJun-16\tJul-16\tAug-16\tSep-16\tOct-16\tNov-16\tDec-16\tJan-17\tFeb-17\tMar-17
Interim BCF 2016-17 evaluation\t\tS Taylor\t\t\t\t\t\t\t\t\t\tX\t\t\t
Agree workforce development actions including Leadership Development, H&SC Protocol, provider training\t\t\t\t\t\t\tX\t\tX\t\t\t\t\t\t
Interim evaluation – 2016-17 BCF programme\tNational timetable and guidance\tS Taylor\t\t\t\t\t\t\t\t\t\t\tX\t\t
E2 INTEGRATED COMMISSIONING\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t
Use mapping to identify potential areas for cooperation on commissioning and confirm areas where cooperation will take place.\tPartner commissioning plans\tK Kibblewhite\t\t\t\t\tX\t\t\t\t\t\t\t\t
""")
    risk_header = ("Risk No.\tDate Opened\tRisk Owner\tRisk Description\tProbability (High, Med, Low)\t"
                   "Impact (High, Med, Low)\tReview date (illustrative)")
    risks_up = _rows(f"""
4.1 Key Risks

{risk_header}
1\tMay 2016\tProject leads\tWorkforce issues impede the ability to progress project\tMed\tMed\tSept 16
2\tMay 2016\tKaren Kibblewhite\tWhere change is via procurement – lack of suitable providers\tLow - med\thigh\tSept 16
3\tMay 2016\tProject leads/ Head of ASC\tOwnership of project delivery sits with a number of service and operational leads who need time and ability to ensure effective implementation\tMed\tHigh\tDec 16
4\tMay 2016\tTrish Crowson\tLife planning - new projects could be slow to come forward, slow progress delaying impact\tHigh\tMedium\tSept 16
""")
    risks_ltc = _rows(f"""
3.1 Key Risks [start by seeing which of the risks in the programme apply]

{risk_header}
1\t10/5/16\tJohn Morley\tKey partners are not engaged or willing to make the necessary transformation\tLow\tHigh\t10/11/16
2\tJune 2016\tJohn Morley\tLack of consensus across partners about changes to be made.\tMed\tHigh\t10/11/16
3\t10/5/16\tJohn Morley\tTools and IT support systems are not able to support transformation\tMed\tMed\t10/11/16
4\t10/5/16\tJohn Morley\tStaff are not equipped to embrace and deliver change\tMed\tMed\t10/11/16
""")
    risks_crisis = _rows(f"""
4.1 Key Risks [start by seeing which of the risks in the programme apply]

{risk_header}
1\t10 th May 2016\tNeil Lester\tExternal evaluations not having sufficient evidence, due to lack of Rutland focus or lack of referrals to make data viable/statistically significant.\tHigh\tMed\tAug 16
2\t10 th May 2016\tNeil Lester\tFailure of RCC 'Out of Hours' support to EDT\tMed\tHigh\tAug 16
3\t10 th May 2016\tNeil Lester\tFailure to establish robust working relationships where these are required to ensure integrated service is consistent and effective\tMed\tHigh\tAug 16
4\t10 th May 2016\tTeam managers\tWider changes affect the ability of particular partners to contribute to the BCF strategy in the way intended eg. Care Act could affect the number of assessments being requested.\tLow\tHigh\tRenew as required
""")
    risks_enablers = _rows(f"""
3.1 Key Risks [start by seeing which of the risks in the programme apply]

{risk_header}
1\tMay 2016\tS Taylor\tRisk that the work of the Rutland BCF programme is not sufficiently visible to stakeholders and staff, reducing the potential for\tMed\tMed\tOct 16

{risk_header}
\t\t\tchanges to have a speedy impact and be sustained.\t\t\t
2\tMay 2016\tM Andrews (RCC Caldicott Guardian)\tRisk that the RCC cannot secure NHS IG Toolkit compliance because system/assurance work does not proceed eg. due to competing pressures.\tMed/High\tHigh\tOct 16
3\tMay 2016\tS Taylor\tRisk that health and care integration is delayed or impeded by the lack of mutual agreement on Information Governance standards - security policy, information sharing agreements, IG Toolkit compliance.\tMed\tMed\tOct 16
5\tMay 2016\tJ Haynes\tRisk that RCC staff do not adopt the systematic use of NHS numbers as patient identifiers, eg in correspondence.\tMed\tMed\tOct 16
6\tMay 2016\tJ Haynes\tRisk that new social care records are not associated with an NHS number, because there is no service usable by the Council to obtain them. [Currently, a mediated solution is in place. Watch.]\tLow\tLow\tOct 16
7\tMay 2016\tK Kibblewhite\tRisk that parallel commissioning of similar services continues locally if coordinated commissioning does not progress – duplication, poor value for money.\tMed\tMed\tOct 16
8\tMay 2016\tS Taylor\tRisk that formal programme metrics for falls and user satisfaction, being annual, provide too little insight into programme performance to tune actions to have the greatest impact.\tMed\tLow\tOct 16
9\tMay 2016\tS Taylor\tRisk that workforce issues impede programme progress.\tHigh\tMed\tOct 16
""")
    metrics = [
        ["3. Performance metrics: BCF 2016-17 targets (quarterly actuals illustrative)"],
        ["BCF Metric", "Unit", "Target", "Q1 2016/17", "Q2 2016/17", "Q3 2016/17"],
        ["Reduction in delayed transfers of care (days delayed per 100,000 population, monthly average)", "rate",
         "Reduction by 5% over last year’s targets: 250", 262, 244, 239],
        ["Reducing non elective admissions (per 100,000 population)", "rate", "2% below predicted: 2,480", 2510, 2460,
         2495],
        ["People reabled still at home 91 days after discharge", "%", "83%", "85%", "81%", "84%"],
        ["Permanent admissions to residential care (% of over 65 population)", "%", "Fewer than 0.36%", "0.31%",
         "0.38%", "0.35%"],
        ["Hospital admissions due to falls (% of Rutland over 65s)", "%", "no more than 1.66%", "1.52%", "1.71%", "1.60%"],
        ["User satisfaction", "%", "93%", "94%", "92%", "95%"],
    ]
    about = ("Rutland Health and Wellbeing Board, 28 June 2016: Better Care Fund 2016-17 plan (Appendix A) and the four "
             "priority business plans (Appendices B-E).")
    write_xlsx(base / "bcf-budget.xlsx", {"Pooled fund": pooled, "Schemes": schemes}, about)
    write_xlsx(base / "bcf-milestones.xlsx", {"Unified Prevention": milestones_up, "LTC Management": milestones_ltc,
                                              "Crisis response": milestones_crisis, "Enablers": enablers}, about)
    write_xlsx(base / "bcf-risks.xlsx", {"Unified Prevention": risks_up, "LTC Management": risks_ltc,
                                         "Crisis response": risks_crisis, "Enablers": risks_enablers}, about)
    write_xlsx(base / "bcf-metrics.xlsx", {"BCF metrics": metrics, "Monthly trends": rutland_monthly()}, about)


# Three years of monthly figures (April 2014 to March 2017), ILLUSTRATIVE: the seed papers give targets only. They are
# long enough for statistical process control (13 points or more) and each shows one thing the Metrics page explains:
# a shift down (improving), a shift up (concerning), common cause around a target (hit and miss), and one outlier in
# an otherwise stable series whose target the process passes consistently.
RUTLAND_MONTHLY = (
    ("Crisis response", "Non-elective admissions per month", "lower", "count", 205,
     [220, 224, 214, 219, 209, 216, 209, 217, 216, 221, 214, 211, 211, 207, 226, 205, 216, 220, 215, 208, 219, 225,
      224, 208, 217, 221, 232, 217, 201, 209, 191, 197, 188, 197, 195, 196]),
    ("Crisis response", "Delayed transfers of care: days delayed per month", "lower", "days", 250,
     [247, 251, 242, 247, 238, 244, 239, 245, 244, 248, 242, 240, 240, 236, 252, 235, 244, 248, 243, 237, 246, 251,
      251, 237, 245, 248, 258, 245, 245, 267, 252, 257, 250, 257, 256, 257]),
    ("LTC Management", "Reablement: people still at home 91 days after discharge (monthly)", "higher", "%", 83,
     [82.3, 82.4, 85.3, 80.5, 84.0, 80.6, 86.0, 84.5, 86.4, 83.4, 84.8, 83.7, 83.0, 84.4, 82.2, 83.6, 85.3, 84.3, 83.5,
      87.7, 84.3, 83.3, 84.5, 83.4, 83.6, 83.6, 87.4, 84.2, 84.5, 85.3, 87.4, 83.8, 83.2, 88.2, 81.9, 83.6]),
    ("Unified Prevention", "Falls admissions of over 65s per month", "lower", "count", 22,
     [9, 9, 13, 7, 12, 7, 14, 12, 15, 11, 13, 11, 10, 12, 9, 11, 14, 12, 11, 17, 12, 24, 12, 11, 11, 11, 16, 12, 12, 13,
      16, 12, 11, 17, 9, 11]),
)


def rutland_monthly() -> list[list[object]]:
    months = [f"{MONTH_NAMES[(3 + k) % 12]} {2014 + (3 + k) // 12}" for k in range(36)]
    rows: list[list[object]] = [
        ["Monthly BCF measures, April 2014 to March 2017 (illustrative figures, invented for the demo)"],
        ["Priority", "Measure", "Month", "Target", "Actual (illustrative)", "Direction", "Unit"]]
    for priority, name, direction, unit, target, values in RUTLAND_MONTHLY:
        for month, value in zip(months, values, strict=True):
            rows.append([priority, name, month, target, value, direction, unit])
    return rows


MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# ------------------------------------------------------------------------------------------------
# 004 North Lanarkshire Integration Joint Board: ISRB Programme Plan
# ------------------------------------------------------------------------------------------------

def north_lanarkshire() -> None:
    base = HERE / "north-lanarkshire-ijb"
    g = GREEN
    plan = [
        ["Action plan phase 1 February 2018 – September 2018", "Planned delivery date", "Status (illustrative)",
         "RAG (illustrative)"],
        [Bold("<b>Cross Cutting Work (All care groups)</b>")],
        ["Expand the remit of the Addictions, Learning Disability and Mental Health Partnership Board to include Justice "
         "services", "February 2018", "Complete", Fill(g)],
        ["Establishment of programme structure", "February 2018", "Complete", Fill(g)],
        ["Recruitment of support staff", "March 2018", "Complete", Fill(g)],
        ["Finance plan", "March 2018 (and ongoing)", "In progress", Fill(g)],
        ["HR plan", "April 2018", "In progress", Fill(AMBER)],
        ["Communications plan", "April 2018", "Complete", Fill(g)],
        ["Workforce plan", "June 2018 (and ongoing)", "In progress", Fill(AMBER)],
        [Bold("<b>Roll out of new Home Support Model</b>")],
        ["<i>Action plan to be finalised following outputs of Feb 18 IJB meeting</i>", "TBC", None, None],
        [Bold("<b>Roll out of new Rehabilitation Model</b>")],
        ["New Home Support referrals to Integrated Rehab Team", "December 2017", "Complete", Fill(g)],
        ["Performance metrics to be finalised", "January 2018", "Delayed", Fill(RED)],
        ["Staff in-reach to Strathclyde Ward", "February 2018", "Complete", Fill(g)],
        ["Project Evaluation", "March 2018", "In progress", Fill(AMBER)],
        [Bold("<b>Locality work (All care groups)</b>")],
        ["Interim management arrangements", "April 2018", "In progress", Fill(g)],
        ["Co-location planning", "June 2018", "Not started", Fill(AMBER)],
        ["Local implementation of cross cutting work", "July 2018", "Not started", None],
        [Bold("<b>Implementation of Discharge to Assess (see appendix 2)</b>")],
        ["First point of contact", "June 2018", "Not started", None],
        ["Revised discharge processes", "August 2018", "Not started", None],
        ["Linkage between hospital and locality teams", "August 2018", "Not started", None],
    ]
    phase2 = [
        ["Action plan phase 2 April 2018 – March 2019", "Planned delivery date"],
        ["<b>Formation of Area Wide Service Implementation Groups</b>", "April 2018"],
        ["<b>Development of schemes of delegation and escalation</b>", "June 2018"],
        ["<b>Migration of services currently hosted in localities to area wide services</b>", "December 2018"],
        ["<b>Planning of 24/7 integrated response for Partnership</b>", "August 2018"],
        [],
        [],
        ["Action plan phase 3 April 2018 – March 2019", "Planned delivery date"],
        ["Formation of integrated locality Add, CJ, LD & MH teams", "By March 2019"],
        ["Formation of integrated locality C&F teams", "By March 2019"],
    ]
    risks = _rows("""
6. Risk
A stakeholder risk workshop will be established to identify and score risks. Initial suggestions;
Risk Description\tImpact H/M/L\tMitigation Description
Ability to maintain service continuity during significant change programme\tH\t<ul style="list-style-type: none"> <li>• Programme Management Team to support delivery in 2018/19</li> <li>• Interim structure to provide additional change capacity</li> </ul>
Lack of staff engagement could lead to limited buy-in to new ways of working\tH\t<ul style="list-style-type: none"> <li>• Communications plan</li> <li>• OD programme</li> <li>• Local Implementation Groups to support frontline buy in</li> </ul>
The new model of working is unable to offset increasing demand, leading to additional financial pressures\tH\t<ul style="list-style-type: none"> <li>• Evaluation team to monitor progress of each phase of the programme</li> <li>• Quality Improvement approaches</li> </ul>
Reputational risk during the transition through lack of appropriate communications with service users\tM\t<ul style="list-style-type: none"> <li>• Strategic Planning Group involvement</li> <li>• Partnership Boards to play key role in developments</li> </ul>
Lack of support from key corporate functions such as HR, IT and Quality Improvement could delay or derail implementation\tH\t<ul style="list-style-type: none"> <li>• Early involvement of corporate leads in all workstreams of the programme</li> </ul>
""")
    budget = [
        ["ISRB programme: financial envelope 2018/19 (spend illustrative)"],
        ["Care group", "Budget line", "Period", "Budget", "Forecast", "Actual"],
        ["Cross cutting", "Programme Management Team and change capacity", "2018-19 Q1", "£62,500", "£62,500", "£58,900"],
        [None, "Programme Management Team and change capacity", "2018-19 Q2", "£62,500", "£65,000", "£66,200"],
        [None, "Programme Management Team and change capacity", "2018-19 Q3", "£62,500", "£65,000", None],
        [None, "Programme Management Team and change capacity", "2018-19 Q4", "£62,500", "£62,500", None],
        [None, "Total", None, "£250k", None, None],
    ]
    localities = ["Airdrie", "Bellshill", "Coatbridge", "Motherwell", "North", "Wishaw"]
    metric_rows = [["Outcome measures (illustrative run-chart data; the plan names six localities, not their names)"],
                   ["Measure", "Locality", "Period", "Target", "Actual", "Direction", "Unit"]]
    import itertools

    base_values = {"Airdrie": 31, "Bellshill": 27, "Coatbridge": 35, "Motherwell": 29, "North": 22, "Wishaw": 33}
    for loc, (i, month) in itertools.product(localities, enumerate(["Apr 2018", "May 2018", "Jun 2018", "Jul 2018"])):
        value = base_values[loc] - i * 2 + (3 if loc == "Coatbridge" and i == 3 else 0)
        metric_rows.append(["Delayed discharges (bed days, weekly average)", loc, month, 25, value, "lower", "count"])
    for loc, (i, month) in itertools.product(localities, enumerate(["2018-19 Q1", "2018-19 Q2"])):
        metric_rows.append(["Home support referrals answered at first point of contact", loc, month, "75%",
                            f"{62 + i * 6 + len(loc) % 5}%", "higher", "%"])
    # Two years of monthly emergency admissions per place (illustrative), long enough for SPC in each locality:
    # Coatbridge shifts up from September 2018, North falls away, the other four vary by common cause.
    import random

    rnd = random.Random(4)
    rates = {"Airdrie": 9.4, "Bellshill": 8.1, "Coatbridge": 10.2, "Motherwell": 8.8, "North": 7.6, "Wishaw": 9.9}
    for loc in localities:
        for k in range(24):
            value = rates[loc] + rnd.gauss(0, 0.35) + (1.0 if loc == "Coatbridge" and k >= 17 else 0) - (
                0.25 * (k - 16) if loc == "North" and k >= 17 else 0)
            metric_rows.append(["Emergency admissions per 1,000 population (monthly)", loc,
                                f"{MONTH_NAMES[(3 + k) % 12]} {2017 + (3 + k) // 12}", 9, round(value, 1), "lower",
                                "rate"])
    about = "North Lanarkshire IJB, 7 February 2018: Integrated Service Review Board Programme Plan."
    write_xlsx(base / "programme-plan.xlsx", {"Phase 1 action plan": plan, "Phases 2 and 3": phase2}, about)
    write_xlsx(base / "risks.xlsx", {"Risk": risks}, about)
    write_xlsx(base / "budget.xlsx", {"Envelope": budget}, about)
    write_xlsx(base / "outcome-measures.xlsx", {"Run chart data": metric_rows}, about)


def build_all() -> None:
    nottinghamshire()
    plymouth()
    bradford()
    rutland()
    north_lanarkshire()


if __name__ == "__main__":
    build_all()
    print(f"Sample trackers written under {HERE}")
