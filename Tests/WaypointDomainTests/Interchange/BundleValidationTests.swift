import Foundation
import Testing
import WaypointDomain

/// Every bad input of the interchange format, with the exact lines the importer prints.
@Suite struct BundleValidationTests {
    let context = Interchange.Context(
        serviceCodes: ["WF"], existingChildren: ["OLD1": ["WF"], "TWICE": ["WF", "LN"]],
        userEmails: ["priya@example.org"], outcomeCodes: Set(OutcomeType.national.map(\.code)),
        today: LocalDate(iso: "2024-03-27")!)

    func problems(_ files: [String: String]) -> [String] {
        switch Interchange.validate(files.mapValues { Data($0.utf8) }, context: context) {
        case .success: return []
        case .failure(let p): return p.list.map(\.description)
        }
    }

    let header = "child_id,service_code,given_name,family_name,date_of_birth,sex,ethnicity\n"

    @Test func aValidBundleGivesTypedRows() throws {
        let files = [
            "children.csv":
                "service_code,child_id,family_name,given_name,date_of_birth,nhs_number,ethnicity\nWF,C1,Smith,Jo,2010-05-14,943 476 5919,white_british\n",
            "referrals.csv":
                "referral_id,child_id,received_on,source,decision,decided_on,destination,intervention_type\nR1,C1,2024-01-02,police,screened_out,2024-01-05,early_help,\nR2,OLD1,2024-02-01,school,pending,,,\n"
        ]
        let plan = try Interchange.validate(files.mapValues { Data($0.utf8) }, context: context).get()
        #expect(plan.children.count == 1)
        #expect(plan.children[0].details.nhsNumber?.digits == "9434765919")
        #expect(plan.children[0].details.sex == .unknown)  // no sex column: not recorded
        #expect(plan.referrals.map(\.decision) == [.screenedOut, .pending])
    }

    @Test func missingRequiredFileAndColumnAndUnknownColumn() {
        #expect(problems(["referrals.csv": "referral_id\n"]) == ["children.csv: is missing: every bundle needs children.csv"])
        #expect(
            problems(["children.csv": "child_id,service_code,given_name,family_name,dob\n"]) == [
                "children.csv:1: dob: unknown column (expected columns: child_id, service_code, given_name, family_name, date_of_birth, sex, ethnicity, care_status, send, ehcp, postcode, district, pnc_id, upn, nhs_number)",
                "children.csv:1: date_of_birth: required column is missing"
            ])
        #expect(
            problems(["children.csv": header, "notes.txt": "hello"]) == [
                "notes.txt: is not a file of the interchange format (expected: services.csv, children.csv, referrals.csv, offences.csv, interventions.csv, population.csv, care_episodes.csv, placement_offences.csv, exploitation_concerns.csv, achievements.csv, disposal_panels.csv, panel_decisions.csv, scrutiny_panels.csv, scrutiny_findings.csv)"
            ])
    }

    /// The child's records are checked by the web form's own rules, each problem on its column.
    @Test func careExploitationAndAchievementRowsFollowTheFormsRules() throws {
        let children = header + "C1,WF,Jo,Smith,2008-05-14,male,white_british\n"
        let files = [
            "children.csv": children,
            "offences.csv": "offence_id,child_id,offence_date,category,outcome\nO1,C1,2024-01-01,criminal_damage,pending\n",
            "care_episodes.csv":
                "episode_id,child_id,started_on,ended_on,legal_basis,responsible_authority,placement_type,placement_area\n"
                + "E1,C1,2023-06-01,2023-01-01,care_order,other_authority,foster,out_of_area\n"
                + "E2,C1,2023-06-01,,care_order,this_authority,castle,in_area\n"
                + "E3,C1,2023-13-01,,care_order,this_authority,foster,in_area\n",
            "placement_offences.csv": "offence_id,child_id,police_called,protocol_followed\nO1,C1,yes,no\nO9,C1,no,yes\n",
            "exploitation_concerns.csv":
                "concern_id,child_id,identified_on,concern_type,nrm_referral,nrm_decision\nX1,C1,2024-01-10,county_lines,no,awaiting\n",
            "achievements.csv":
                "achievement_id,child_id,title,achievement_type,awarding_body,achieved_on\nA1,C1,=HYPERLINK(1),unit_award,AQA,2024-02-01\nA1,C1,Ok,unit_award,AQA,2024-02-01\n"
        ]
        #expect(
            problems(files) == [
                "care_episodes.csv:2: ended_on: The end date must be on or after the date the child became looked after",
                "care_episodes.csv:2: responsible_authority_name: Enter the name of the responsible authority",
                "care_episodes.csv:2: placement_authority: Enter the local authority the child is placed in",
                "care_episodes.csv:3: placement_type: Select a valid option for placement type",
                "care_episodes.csv:4: started_on: '2023-13-01' is not a real date in the form YYYY-MM-DD",
                "placement_offences.csv:3: offence_id: no offence 'O9' of child 'C1' in offences.csv or in Waypoint",
                "exploitation_concerns.csv:2: nrm_referral: An NRM date or decision needs an NRM referral",
                "achievements.csv:2: title: begins with '=', which spreadsheet programs run as a formula: remove it",
                "achievements.csv:3: achievement_id: duplicate id 'A1' (first on line 2)"
            ])
        var good = files
        good["care_episodes.csv"] =
            "episode_id,child_id,started_on,ended_on,legal_basis,responsible_authority,placement_type,placement_area\nE1,C1,2023-06-01,,care_order,this_authority,foster,in_area\n"
        good["placement_offences.csv"] = "offence_id,child_id,police_called,protocol_followed\nO1,C1,yes,no\n"
        good["exploitation_concerns.csv"] =
            "concern_id,child_id,identified_on,concern_type,nrm_referral\nX1,C1,2024-01-10,county_lines,no\n"
        good["achievements.csv"] =
            "achievement_id,child_id,title,achievement_type,awarding_body,achieved_on\nA1,C1,Ok,unit_award,AQA,2024-02-01\n"
        let plan = try Interchange.validate(good.mapValues { Data($0.utf8) }, context: context).get()
        #expect(plan.records[.careEpisode]?.first?.values["started_on"] == .text("2023-06-01"))
        #expect(plan.records[.placementOffence]?.first?.values["offence_id"] == .text("O1"))
        #expect(plan.records[.achievement]?.map(\.external) == ["A1"])
    }

    /// Panels, decisions and scrutiny by the web forms' rules, every reference checked.
    @Test func panelsDecisionsAndScrutinyAreCheckedAndReferToEachOther() throws {
        let files = [
            "children.csv": header + "C1,WF,Jo,Smith,2008-05-14,male,white_british\n",
            "offences.csv":
                "offence_id,child_id,offence_date,category,outcome,outcome_date\nO1,C1,2024-01-01,criminal_damage,youth_caution,2024-01-10\n",
            "disposal_panels.csv":
                "panel_id,service_code,held_on,member_police,member_youth_justice\nP1,WF,2024-01-10,PS Fletcher,M Okafor\nP2,WF,2024-01-11,PS Fletcher,\n",
            "panel_decisions.csv":
                "decision_id,panel_id,child_id,offence_id,screening,outcome,rationale,conditions\n"
                + "D1,P1,C1,O1,First offence,youth_conditional_caution,Harm,\n"
                + "D2,P9,C1,O2,First offence,caution,Harm,\n"
                + "D3,P1,C1,O1,First offence,youth_caution,Harm,\n",
            "scrutiny_panels.csv":
                "scrutiny_id,service_code,held_on,sample_from,sample_to\nS1,WF,2024-03-01,2024-02-01,2024-01-01\nS2,WF,2024-03-01,2024-01-01,2024-02-01\n",
            "scrutiny_findings.csv": "scrutiny_id,decision_id,finding,learning\nS2,D3,not_appropriate,\nS9,D3,appropriate,\nS2,D9,,\n"
        ]
        #expect(
            problems(files) == [
                "disposal_panels.csv:3: member_youth_justice: Enter the youth justice service members of the panel",
                "panel_decisions.csv:2: conditions: Enter the conditions of the youth conditional caution",
                "panel_decisions.csv:3: panel_id: no panel 'P9' in disposal_panels.csv or in Waypoint",
                "panel_decisions.csv:3: offence_id: no offence 'O2' of child 'C1' in offences.csv or in Waypoint",
                "panel_decisions.csv:3: outcome: unknown code 'caution' (use one of community_resolution, outcome_22, youth_caution, youth_conditional_caution, no_further_action)",
                "panel_decisions.csv:4: offence_id: offence 'O1' already has a decision (line 2): one per offence",
                "scrutiny_panels.csv:2: sample_to: 2024-01-01 is before sample_from (2024-02-01)",
                "scrutiny_findings.csv:2: learning: Enter the learning from this decision",
                "scrutiny_findings.csv:3: scrutiny_id: no scrutiny panel 'S9' in scrutiny_panels.csv or in Waypoint",
                "scrutiny_findings.csv:4: decision_id: no decision 'D9' in panel_decisions.csv or in Waypoint"
            ])
        var good = files
        good["disposal_panels.csv"] =
            "panel_id,service_code,held_on,member_police,member_youth_justice\nP1,WF,2024-01-10,PS Fletcher,M Okafor\n"
        good["panel_decisions.csv"] =
            "decision_id,panel_id,child_id,offence_id,screening,outcome,rationale\nD1,P1,C1,O1,First offence,youth_caution,Harm\n"
        good["scrutiny_panels.csv"] = "scrutiny_id,service_code,held_on,sample_from,sample_to\nS2,WF,2024-03-01,2024-01-01,2024-02-01\n"
        good["scrutiny_findings.csv"] = "scrutiny_id,decision_id,finding,learning\nS2,D1,,\n"
        let plan = try Interchange.validate(good.mapValues { Data($0.utf8) }, context: context).get()
        #expect(plan.panels.first?.panel.members[.police] == "PS Fletcher")
        #expect(plan.decisions.first?.decision.outcome == .youthCaution)
        #expect(plan.findings.first?.finding == nil)  // sampled, not yet reviewed
    }

    @Test func badDatesUnknownCodesDuplicatesAndIdentifiers() {
        let rows =
            header.replacingOccurrences(of: "ethnicity\n", with: "ethnicity,nhs_number,upn,pnc_id,postcode\n")
            + "C1,WF,Jo,Smith,2010-02-30,male,white_british,,,,\n"
            + "C2,WF,Al,Jones,2011-01-01,boy,white_british,9434765918,A801200005001,04/1234567G,NOPE\n"
            + "C1,WF,Jo,Again,2010-01-01,male,martian,,,,\n"
            + "C3,XX,Kim,Lee,2030-01-01,female,asian_indian,,,,\n"
        #expect(
            problems(["children.csv": rows]) == [
                "children.csv:2: date_of_birth: '2010-02-30' is not a real date in the form YYYY-MM-DD",
                "children.csv:3: sex: unknown code 'boy' (use one of female, male, other, unknown)",
                "children.csv:3: postcode: 'NOPE' is not a UK postcode",
                "children.csv:3: pnc_id: '04/1234567G' is not a valid PNC ID (YYYY/NNNNNNNC with the right check letter)",
                "children.csv:3: upn: 'A801200005001' is not a valid UPN (13 characters with the right check letter)",
                "children.csv:3: nhs_number: '9434765918' is not a valid NHS number (10 digits, check digit)",
                "children.csv:4: child_id: duplicate id 'C1' (first on line 2)",
                "children.csv:4: ethnicity: unknown code 'martian' (use one of white_british, white_irish, white_gypsy_irish_traveller, white_roma, white_other, mixed_white_black_caribbean, mixed_white_black_african, mixed_white_asian, mixed_other, asian_indian, asian_pakistani, asian_bangladeshi, asian_chinese, asian_other, black_african, black_caribbean, black_other, other_arab, other_any, not_stated)",
                "children.csv:5: service_code: no service with code 'XX': add it to services.csv",
                "children.csv:5: date_of_birth: 2030-01-01 is in the future"
            ])
    }

    @Test func referencesToChildrenThatDoNotExist() {
        let files = [
            "children.csv": header + "C1,WF,Jo,Smith,2010-01-01,male,white_british\n",
            "offences.csv":
                "offence_id,child_id,offence_date,category,outcome,outcome_date\nO1,C9,2024-01-01,robbery,youth_caution,2024-01-10\nO2,TWICE,2024-01-01,robbery,pending,\nO3,C1,2024-01-01,robbery,made_up,2024-01-02\nO4,C1,2024-01-05,theft_and_handling,fine,2024-01-01\n",
            "interventions.csv":
                "intervention_id,child_id,type,start_date,end_date,case_manager\nI1,C1,prevention,2024-01-10,2024-01-01,nobody@example.org\n"
        ]
        #expect(
            problems(files) == [
                "offences.csv:2: child_id: no child with id 'C9' in children.csv or in Waypoint",
                "offences.csv:3: child_id: child id 'TWICE' exists in several services: import it with its children.csv row",
                "offences.csv:4: outcome: unknown outcome code 'made_up' (an administrator can add new national codes)",
                "offences.csv:5: outcome_date: 2024-01-01 is before the offence date (2024-01-05)",
                "interventions.csv:2: end_date: 2024-01-01 is before the start date (2024-01-10)",
                "interventions.csv:2: case_manager: no user with email 'nobody@example.org': create the user first, or leave it empty"
            ])
    }

    @Test func notUTF8AndBrokenQuoting() {
        var files: [String: Data] = ["children.csv": Data(header.utf8) + Data([0x43, 0x31, 0x2C, 0xE9, 0x0A])]
        files["referrals.csv"] = Data("referral_id,child_id\n\"R1,C1\n".utf8)
        guard case .failure(let p) = Interchange.validate(files, context: context) else { Issue.record("expected problems"); return }
        #expect(
            p.list.map(\.description) == [
                "children.csv: the file is not UTF-8 text: save it as 'CSV UTF-8' and try again",
                "referrals.csv: line 2: a quoted field is never closed"
            ])
    }

    @Test func quotedNewlinesAreDataAndFormulaCellsAreRefused() throws {
        let ok = header + "C1,WF,\"Mary\nAnne\",\"O'Brien, Jr\",2010-01-01,female,white_irish\n"
        let plan = try Interchange.validate(["children.csv": Data(ok.utf8)], context: context).get()
        #expect(plan.children[0].details.givenName == "Mary\nAnne")
        #expect(plan.children[0].details.familyName == "O'Brien, Jr")
        let bad =
            header
            + "C1,WF,=cmd(1),Smith,2010-01-01,male,white_british\nC2,WF,Jo,+Smith,2010-01-01,male,white_british\nC3,WF,@Jo,Smith,2010-01-01,male,white_british\nC4,WF,-Jo,Smith,2010-01-01,male,white_british\n"
        #expect(
            problems(["children.csv": bad]) == [
                "children.csv:2: given_name: begins with '=', which spreadsheet programs run as a formula: remove it",
                "children.csv:3: family_name: begins with '+', which spreadsheet programs run as a formula: remove it",
                "children.csv:4: given_name: begins with '@', which spreadsheet programs run as a formula: remove it",
                "children.csv:5: given_name: begins with '-', which spreadsheet programs run as a formula: remove it"
            ])
    }

    @Test func referralRules() {
        let files = [
            "children.csv": header + "C1,WF,Jo,Smith,2010-01-01,male,white_british\n",
            "referrals.csv": "referral_id,child_id,received_on,source,decision,decided_on,destination,intervention_type\n"
                + "R1,C1,2024-01-10,police,accepted,,,prevention\n"
                + "R2,C1,2024-01-10,police,screened_out,2024-01-09,,\n"
                + "R3,C1,2024-01-10,postman,pending,,camhs,\n"
        ]
        #expect(
            problems(files) == [
                "referrals.csv:2: decided_on: is empty: a decided referral needs the date of the decision",
                "referrals.csv:3: decided_on: 2024-01-09 is before the referral was received (2024-01-10)",
                "referrals.csv:3: destination: is empty: a screened-out referral needs its destination",
                "referrals.csv:4: source: unknown code 'postman' (use one of police, school, social_care, early_help, community_safety, health, self_or_family, other)",
                "referrals.csv:4: destination: is only for screened-out referrals"
            ])
    }
}
