"""Demo summary reports: the platform's real summaries of 2019-2022 (the seeds), published,
the Putrajaya roundtable's also in Thai and Indonesian, and a draft for the 2027 roundtable
drafted from its agenda. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from app.events.models import Event
from app.extensions import db
from app.library.models import Resource
from app.reports import services

PLATFORM = ("The Regional Peer-Learning Platform brings together individuals from policy and "
            "implementing agencies in the governments of Australia, Indonesia, Malaysia, New "
            "Zealand and Thailand, as well as civil society and international organisations, "
            "to share positive practice on alternatives to immigration detention (ATD) of "
            "children. It has been co-convened by the International Detention Coalition (IDC) "
            "and the Secretariat of the Asia Dialogue on Forced Migration (ADFM) since "
            "November 2019.")
KNOWLEDGE_SHARING = ("- Knowledge and resource sharing: IDC and the ADFM Secretariat will "
                     "continue to facilitate information and resource sharing between "
                     "participants, particularly for countries implementing the Regional Plan "
                     "of Action on the ASEAN Declaration on the Rights of Children in the "
                     "Context of Migration.")

REPORTS = {
    "First Alternatives to Child Detention Peer Learning Platform Roundtable": {"en": {
        "overview": "On 21-22 November 2019, thirty-five representatives from implementing and "
                    "policy agencies within the governments of Thailand, Australia, Malaysia "
                    "and Indonesia, as well as civil society and international organisations, "
                    "came together in Bangkok to share their experiences and positive practice "
                    "and help each other address implementation challenges. The roundtable was "
                    "co-hosted by the Royal Thai Government and first suggested at the seventh "
                    "meeting of the ADFM in November 2018.\n\nThe last time regional "
                    "governments came together on this issue was in 2015. On the thirtieth "
                    "anniversary of the Convention on the Rights of the Child, and following "
                    "the ASEAN Declaration on the Rights of Children in the Context of "
                    "Migration, there is a real sense of momentum in the region.",
        "highlights": "Areas of agreement included:\n\n"
                      "- the need for improved coordination between relevant authorities, "
                      "among government agencies and between government and civil society\n"
                      "- the desire for further technical assistance and training for "
                      "front-line staff working with refugee, asylum seeker and migrant "
                      "children and their families",
        "next_steps": "- Engaging nationally and regionally on the benefits of alternative care "
                      "arrangements\n"
                      "- An online information-sharing platform to exchange positive practice, "
                      "toolkits, manuals and handbooks\n"
                      "- Bilateral country information exchanges and site visits\n"
                      "- Further, smaller intra-regional and country-specific meetings\n"
                      "- Benchmarks for good practice in inter-agency cooperation on "
                      "alternatives to detention"}},
    "First virtual session: Mainstreaming child protection": {"en": {
        "overview": "The first virtual session of the Platform, convened while the pandemic "
                    "prevented meeting in person, discussed how child protection can be "
                    "mainstreamed across the agencies that meet children in the context of "
                    "migration.",
        "next_steps": "- A follow-up bilateral call between Australia and Thailand on the "
                      "issues raised"}},
    "Second virtual session: Case management approaches": {"en": {
        "overview": "The second virtual session shared case management approaches: how "
                    "agencies and civil society support children and families in the "
                    "community while their migration status is resolved."}},
    "Third virtual session: Education of refugee and migrant children": {"en": {
        "overview": "The third virtual session discussed access to education for refugee and "
                    "migrant children.",
        "next_steps": "- A follow-up bilateral call between Indonesia and Thailand\n"
                      "- The Indonesian Working Group on Access to Education, meeting monthly"}},
    "What makes government and civil society partnerships effective?": {"en": {
        "overview": PLATFORM + "\n\nOn 5 April 2022 about 60 participants came together for a "
                    "virtual workshop on what makes government and civil society partnerships "
                    "effective, the theme most often proposed by participants. No one "
                    "stakeholder can do it alone, nor should they. As always the event was "
                    "closed door and conducted under the Chatham House Rule, so what follows "
                    "is a high-level summary of proceedings.",
        "highlights": "- The importance of a whole-of-government approach: working with "
                      "different levels of government, including local government, helps "
                      "initiatives succeed.\n"
                      "- Transparent and open communication, and clarity of roles and "
                      "responsibilities, which take time to build.\n"
                      "- Collaboration in the design as well as the implementation of "
                      "programs: the earlier it begins, the more likely the program works.\n"
                      "- Not all collaborations need to be formalised: many informal "
                      "partnerships have been very effective.",
        "next_steps": "- Plan for an in-person Platform meeting later in 2022\n"
                      "- Further topics: monitoring and evaluation, safe return home of "
                      "children, unaccompanied minors, temporary integration\n"
                      "- Follow-up bilateral discussions with interested countries\n"
                      "- National discussions to advance key priorities\n" + KNOWLEDGE_SHARING
                      + "\n- Ongoing involvement of those with lived experience of "
                        "displacement and detention"}},
    "Second in-person roundtable, Putrajaya": {
        "en": {
            "overview": PLATFORM + "\n\nOn 1-2 November 2022 the Platform convened its second "
                        "in-person roundtable, bringing together 35 participants for the "
                        "first time since November 2019. As always the event was closed door "
                        "and conducted under the Chatham House Rule, so what follows is a "
                        "high-level summary of proceedings.",
            "sessions": "- Country presentations: the latest developments in ATD for "
                        "children and their families in Thailand, Australia, Malaysia and "
                        "Indonesia, with successes, challenges and gaps.\n"
                        "- The ASEAN Declaration on the Rights of Children in the Context of "
                        "Migration and its Regional Plan of Action.\n"
                        "- Monitoring, evaluation and learning (MEL): independent evaluations "
                        "in Malaysia and Thailand showed significant cost savings and full "
                        "engagement by families with immigration requirements.\n"
                        "- Lived experience leadership: child advocates shared their "
                        "aspirations and policy recommendations by pre-recorded video.\n"
                        "- New Zealand joined virtually on the second day to share the "
                        "establishment of its Refugee Advisory Panel.\n"
                        "- A quiz about ATD practice and case studies in small groups.",
            "highlights": "- Progress has been significant towards ending child immigration "
                          "detention in the region since 2019, though much work remains.\n"
                          "- The importance of collaboration, within government and between "
                          "government and civil society.\n"
                          "- People with lived experience bring crucial perspectives, and "
                          "must be involved meaningfully and safely.\n"
                          "- Context-relevant evidence shows ATD are effective and can be "
                          "scaled up.",
            "reflections": "Individuals within systems have power to achieve change.\n\n"
                           "We can really see the difference in the lives of children when "
                           "government and NGOs come together.\n\n"
                           "This kind of platform can be the spark to catalyse regional and "
                           "global cooperation.\n\n"
                           "The journey can start only when you begin.",
            "next_steps": "- In-person meetings on an annual basis, with site visits and "
                          "study tours where possible\n"
                          "- Online initiatives between in-person events, regionally or "
                          "bilaterally\n"
                          "- Topics: community-based placement and de-institutionalisation; "
                          "xenophobia and discrimination; national screening and referral "
                          "mechanisms; lived experience leaders in policy-making\n"
                          "- Learning from other regions\n" + KNOWLEDGE_SHARING},
        "th": {
            "overview": "เวทีการเรียนรู้ระดับภูมิภาครวบรวมผู้แทนจากหน่วยงานด้านนโยบายและ"
                        "หน่วยงานปฏิบัติของรัฐบาลออสเตรเลีย อินโดนีเซีย มาเลเซีย นิวซีแลนด์ "
                        "และไทย รวมทั้งภาคประชาสังคมและองค์กรระหว่างประเทศ เพื่อแลกเปลี่ยน"
                        "แนวปฏิบัติที่ดีเกี่ยวกับทางเลือกแทนการกักตัวเด็กในสถานกักตัวคนต่างด้าว"
                        "\n\nวันที่ 1-2 พฤศจิกายน 2565 เวทีได้จัดการประชุมโต๊ะกลมแบบพบหน้า"
                        "ครั้งที่สอง มีผู้เข้าร่วม 35 คน การประชุมเป็นแบบปิดและอยู่ภายใต้"
                        "กฎของแชแธมเฮาส์ ต่อไปนี้จึงเป็นสรุปภาพรวมของการประชุม",
            "highlights": "- ความก้าวหน้าอย่างมีนัยสำคัญในการยุติการกักตัวเด็กในภูมิภาค"
                          "นับตั้งแต่ปี 2562\n"
                          "- ความสำคัญของความร่วมมือทั้งภายในภาครัฐและระหว่างภาครัฐกับ"
                          "ภาคประชาสังคม\n"
                          "- ผู้มีประสบการณ์ตรงให้มุมมองที่สำคัญ และต้องมีส่วนร่วมอย่างมี"
                          "ความหมายและปลอดภัย\n"
                          "- หลักฐานที่สอดคล้องกับบริบทแสดงว่าทางเลือกแทนการกักตัวได้ผล",
            "next_steps": "- ประชุมแบบพบหน้าเป็นประจำทุกปี พร้อมการลงพื้นที่เมื่อเป็นไปได้\n"
                          "- กิจกรรมออนไลน์ระหว่างการประชุมแบบพบหน้า\n"
                          "- เรียนรู้จากภูมิภาคอื่น"},
        "id": {
            "overview": "Platform Pembelajaran Sejawat Regional mempertemukan perwakilan "
                        "lembaga kebijakan dan pelaksana dari pemerintah Australia, Indonesia, "
                        "Malaysia, Selandia Baru dan Thailand, serta masyarakat sipil dan "
                        "organisasi internasional, untuk berbagi praktik baik tentang "
                        "alternatif penahanan imigrasi bagi anak.\n\nPada 1-2 November 2022 "
                        "Platform menyelenggarakan pertemuan meja bundar tatap muka kedua "
                        "dengan 35 peserta. Pertemuan bersifat tertutup dan di bawah Aturan "
                        "Chatham House, sehingga berikut ini adalah ringkasan umum.",
            "highlights": "- Kemajuan yang signifikan menuju penghentian penahanan imigrasi "
                          "anak di kawasan sejak 2019\n"
                          "- Pentingnya kolaborasi di dalam pemerintahan dan antara pemerintah "
                          "dan masyarakat sipil\n"
                          "- Orang dengan pengalaman langsung membawa perspektif penting\n"
                          "- Bukti yang sesuai konteks menunjukkan alternatif penahanan efektif",
            "next_steps": "- Pertemuan tatap muka setiap tahun, dengan kunjungan lapangan bila "
                          "memungkinkan\n"
                          "- Kegiatan daring di antara pertemuan tatap muka\n"
                          "- Belajar dari kawasan lain"}},
}
KEY_DOWNLOADS = {
    "Second in-person roundtable, Putrajaya": (
        "Case study: independent evaluation of alternatives to detention in Thailand",
        "Summary report: Kuala Lumpur roundtable"),
}
DRAFTED = "Annual in-person roundtable 2027, Jakarta"


def _event(title: str) -> Event | None:
    return db.session.scalar(select(Event).where(Event.title == title))


def seed_reports(created: dict) -> None:
    """Each report in its own unit of work, as a request would write it (the event's lock
    comes first: app.core.locking)."""
    db.session.commit()
    for title, texts in REPORTS.items():
        event = _event(title)
        if event is None or services.report_of(event) is not None:
            continue
        for language, sections in texts.items():
            services.save_sections(event, language, sections,
                                   services.fingerprint(services.report_or_blank(event),
                                                        language))
        resources = db.session.scalars(select(Resource.id).where(
            Resource.title.in_(KEY_DOWNLOADS.get(title, ()))))
        services.set_downloads(event, list(resources))
        services.draft_from_agenda(event)
        services.publish(event)
        db.session.commit()
        created["summary reports"] = created.get("summary reports", 0) + 1
    upcoming = _event(DRAFTED)
    if upcoming is not None and services.report_of(upcoming) is None:
        services.draft_from_agenda(upcoming)
        db.session.commit()
        created["summary reports"] = created.get("summary reports", 0) + 1
