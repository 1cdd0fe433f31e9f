"""Initial schema: every entity of DESIGN §2 (frozen copies of the models).

Fixed decimals are BigIntegerField (value × 1000); timestamps default in Python.
"""
# Generated from a schema diff on 2026-11-21 19:26.
from peewee import *


def up(migrator, db):
    class CriteriaSet(Model):
        code = CharField(max_length=80)
        version = IntegerField(constraints=[Check('version >= 1')])
        title = CharField(max_length=300)
        target = CharField(max_length=20, constraints=[Check("target IN ('collective', 'individual')")])
        description = TextField(default='')
        source = TextField(default='')
        content_hash = CharField(max_length=64)
        source_text = TextField()
        max_total = BigIntegerField()
        imported_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'criteria_set'
            indexes = ((('code', 'version'), True),)
    db.create_tables([CriteriaSet])

    class Campaign(Model):
        slug = CharField(unique=True, max_length=80)
        title = CharField(max_length=300)
        description = TextField(default='')
        status = CharField(max_length=12, default='draft', constraints=[Check("status IN ('draft', 'open', 'closed', 'archived')")])
        collective_set = ForeignKeyField(CriteriaSet, on_delete='RESTRICT')
        individual_set = ForeignKeyField(CriteriaSet, null=True, on_delete='RESTRICT')
        submission_opens = DateTimeField()
        submission_closes = DateTimeField()
        review_opens = DateTimeField()
        review_closes = DateTimeField()
        council_opens = DateTimeField()
        council_closes = DateTimeField()
        timezone = CharField(max_length=40, default='Asia/Ho_Chi_Minh')
        policy_json = TextField()
        authority = CharField(max_length=200)
        issuer_title = CharField(max_length=200)
        signer_title = CharField(max_length=200)
        signer_name = CharField(max_length=200)
        place = CharField(max_length=100, default='Hà Nội')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'campaign'
            constraints = [Check('submission_opens < submission_closes'), Check('submission_closes <= review_opens AND review_opens < review_closes'), Check('review_closes <= council_opens AND council_opens < council_closes')]
    db.create_tables([Campaign])

    class Cluster(Model):
        code = CharField(unique=True, max_length=40)
        name = CharField(max_length=200)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'cluster'
    db.create_tables([Cluster])

    class Unit(Model):
        code = CharField(unique=True, max_length=40)
        name = CharField(max_length=200)
        kind = CharField(max_length=40, default='')
        district = CharField(max_length=120, default='')
        cluster = ForeignKeyField(Cluster, null=True, on_delete='SET NULL')
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'unit'
    db.create_tables([Unit])

    class Person(Model):
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        staff_code = CharField(unique=True, max_length=40)
        full_name = CharField(max_length=200)
        gender = CharField(max_length=1, default='', constraints=[Check("gender IN ('', 'M', 'F')")])
        position = CharField(max_length=200, default='')
        email = CharField(max_length=200, default='')
        phone = CharField(max_length=40, default='')
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'person'
    db.create_tables([Person])

    class Submission(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        target = CharField(max_length=20, constraints=[Check("target IN ('collective', 'individual')")])
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        person = ForeignKeyField(Person, null=True, on_delete='RESTRICT')
        subject_key = CharField(max_length=40)
        state = CharField(max_length=12, default='draft', constraints=[Check("state IN ('draft', 'submitted', 'returned', 'locked')")])
        version = IntegerField(default=1)
        submitted_at = DateTimeField(null=True)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'submission'
            indexes = ((('campaign', 'subject_key'), True),)
            constraints = [Check("(target = 'individual') = (person_id IS NOT NULL)")]
    db.create_tables([Submission])

    class User(Model):
        username = CharField(unique=True, max_length=80)
        full_name = CharField(max_length=200)
        email = CharField(max_length=200, default='')
        password_hash = CharField()
        active = BooleanField(default=True)
        locale = CharField(max_length=8, default='vi')
        created_at = DateTimeField()
        password_changed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Assignment(Model):
        submission = ForeignKeyField(Submission, on_delete='CASCADE')
        reviewer = ForeignKeyField(User, on_delete='RESTRICT')
        role = CharField(max_length=10, constraints=[Check("role IN ('peer', 'leader')")])
        assigned_at = DateTimeField()
        assigned_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        override_reason = TextField(default='')
        class Meta:
            database = db
            table_name = 'assignment'
            indexes = ((('submission', 'reviewer'), True),)
    db.create_tables([Assignment])

    class AuditEvent(Model):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        action = CharField(max_length=60)
        object_type = CharField(max_length=40)
        object_id = IntegerField(null=True)
        old = TextField(default='')
        new = TextField(default='')
        note = TextField(default='')
        class Meta:
            database = db
            table_name = 'audit_event'
            indexes = ((('object_type', 'object_id'), False),)
    db.create_tables([AuditEvent])

    class AwardRule(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        precedence = IntegerField()
        title = CharField(max_length=300)
        form = CharField(max_length=12, constraints=[Check("form IN ('bang-khen', 'giay-khen')")])
        target = CharField(max_length=20, constraints=[Check("target IN ('collective', 'individual')")])
        min_band = CharField(max_length=60, default='')
        min_score = BigIntegerField(default=0)
        quota_kind = CharField(max_length=8, constraints=[Check("quota_kind IN ('count', 'percent')")])
        quota_value = IntegerField(constraints=[Check('quota_value >= 0')])
        per_cluster = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'award_rule'
            indexes = ((('campaign', 'precedence'), True),)
    db.create_tables([AwardRule])

    class CampaignUnit(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'campaign_unit'
            indexes = ((('campaign', 'unit'), True),)
    db.create_tables([CampaignUnit])

    class Decision(Model):
        campaign = ForeignKeyField(Campaign, on_delete='RESTRICT')
        number = CharField(max_length=40)
        authority = CharField(max_length=200)
        signed_on = DateField(null=True)
        signer_title = CharField(max_length=200, default='')
        signer_name = CharField(max_length=200, default='')
        state = CharField(max_length=10, default='draft', constraints=[Check("state IN ('draft', 'approved')")])
        approved_at = DateTimeField(null=True)
        approved_by = ForeignKeyField(User, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            table_name = 'decision'
            indexes = ((('authority', 'number'), True),)
    db.create_tables([Decision])

    class Certificate(Model):
        decision = ForeignKeyField(Decision, on_delete='RESTRICT')
        number = IntegerField(constraints=[Check('number >= 1')])
        rule = ForeignKeyField(AwardRule, on_delete='RESTRICT')
        submission = ForeignKeyField(Submission, on_delete='RESTRICT')
        golden_book_no = CharField(max_length=40, default='')
        verify_code = CharField(unique=True, max_length=64)
        recipient_name = CharField(max_length=300)
        recipient_detail = TextField(default='')
        achievement = TextField(default='')
        pdf_sha256 = CharField(max_length=64, default='')
        issued_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        revoke_reason = TextField(default='')
        class Meta:
            database = db
            table_name = 'certificate'
            indexes = ((('decision', 'number'), True), (('decision', 'submission', 'rule'), True))
    db.create_tables([Certificate])

    class Conflict(Model):
        reviewer = ForeignKeyField(User, on_delete='CASCADE')
        unit = ForeignKeyField(Unit, on_delete='CASCADE')
        campaign = ForeignKeyField(Campaign, null=True, on_delete='CASCADE')
        kind = CharField(max_length=12, constraints=[Check("kind IN ('same_unit', 'family', 'superior', 'other')")])
        note = TextField(default='')
        declared_at = DateTimeField()
        declared_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'conflict'
    db.create_tables([Conflict])

    class Criterion(Model):
        criteria_set = ForeignKeyField(CriteriaSet, on_delete='CASCADE')
        position = IntegerField()
        group_code = CharField(max_length=40)
        group_title = CharField(max_length=300)
        code = CharField(max_length=40)
        title = TextField()
        guidance = TextField(default='')
        kind = CharField(max_length=10, constraints=[Check("kind IN ('score', 'bonus', 'penalty')")])
        max = BigIntegerField(constraints=[Check('"max" > 0')])
        step = BigIntegerField(constraints=[Check('step > 0')])
        evidence_required = BooleanField(default=False)
        evidence_hint = TextField(default='')
        disqualifying = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'criterion'
            indexes = ((('criteria_set', 'code'), True),)
    db.create_tables([Criterion])

    class Evidence(Model):
        submission = ForeignKeyField(Submission, on_delete='CASCADE')
        criterion = ForeignKeyField(Criterion, null=True, on_delete='RESTRICT')
        sha256 = CharField(index=True, max_length=64)
        original_name = CharField()
        size = BigIntegerField(constraints=[Check('size > 0')])
        content_type = CharField(max_length=100)
        uploaded_by = ForeignKeyField(User, on_delete='RESTRICT')
        uploaded_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'evidence'
    db.create_tables([Evidence])

    class LoginAttempt(Model):
        username_key = CharField(index=True, max_length=80)
        ip = CharField(index=True, max_length=64)
        at = DateTimeField(index=True)
        success = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'login_attempt'
    db.create_tables([LoginAttempt])

    class LoginSession(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        token_hash = CharField(unique=True, max_length=64)
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        ip = CharField(max_length=64, default='')
        user_agent = CharField(default='')
        class Meta:
            database = db
            table_name = 'login_session'
    db.create_tables([LoginSession])

    class Nomination(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        unit = ForeignKeyField(Unit, on_delete='RESTRICT')
        person = ForeignKeyField(Person, on_delete='RESTRICT')
        position = CharField(max_length=200, default='')
        achievements = TextField(default='')
        submission = ForeignKeyField(Submission, unique=True, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'nomination'
            indexes = ((('campaign', 'person'), True),)
    db.create_tables([Nomination])

    class Review(Model):
        assignment = ForeignKeyField(Assignment, unique=True, on_delete='CASCADE')
        state = CharField(max_length=10, default='draft', constraints=[Check("state IN ('draft', 'submitted')")])
        version = IntegerField(default=1)
        submitted_at = DateTimeField(null=True)
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'review'
    db.create_tables([Review])

    class RoleGrant(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        role = CharField(max_length=20, constraints=[Check("role IN ('committee', 'secretary', 'officer', 'peer', 'leader')")])
        unit = ForeignKeyField(Unit, null=True, on_delete='CASCADE')
        campaign = ForeignKeyField(Campaign, null=True, on_delete='CASCADE')
        granted_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'role_grant'
            indexes = ((('user', 'role', 'unit', 'campaign'), True),)
            constraints = [Check("(role = 'officer') = (unit_id IS NOT NULL)"), Check("(role IN ('peer', 'leader')) = (campaign_id IS NOT NULL)")]
    db.create_tables([RoleGrant])

    class Score(Model):
        review = ForeignKeyField(Review, on_delete='CASCADE')
        criterion = ForeignKeyField(Criterion, on_delete='RESTRICT')
        value = BigIntegerField(null=True, constraints=[Check('value IS NULL OR value >= 0')])
        comment = TextField(default='')
        evidence_verdict = CharField(max_length=12, default='', constraints=[Check("evidence_verdict IN ('', 'accepted', 'insufficient', 'missing')")])
        class Meta:
            database = db
            table_name = 'score'
            indexes = ((('review', 'criterion'), True),)
    db.create_tables([Score])

    class SelfScore(Model):
        submission = ForeignKeyField(Submission, on_delete='CASCADE')
        criterion = ForeignKeyField(Criterion, on_delete='RESTRICT')
        value = BigIntegerField(null=True, constraints=[Check('value IS NULL OR value >= 0')])
        explanation = TextField(default='')
        class Meta:
            database = db
            table_name = 'self_score'
            indexes = ((('submission', 'criterion'), True),)
    db.create_tables([SelfScore])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('self_score'))
    migrator.migrate(migrator.drop_table('score'))
    migrator.migrate(migrator.drop_table('role_grant'))
    migrator.migrate(migrator.drop_table('review'))
    migrator.migrate(migrator.drop_table('nomination'))
    migrator.migrate(migrator.drop_table('login_session'))
    migrator.migrate(migrator.drop_table('login_attempt'))
    migrator.migrate(migrator.drop_table('evidence'))
    migrator.migrate(migrator.drop_table('criterion'))
    migrator.migrate(migrator.drop_table('conflict'))
    migrator.migrate(migrator.drop_table('certificate'))
    migrator.migrate(migrator.drop_table('decision'))
    migrator.migrate(migrator.drop_table('campaign_unit'))
    migrator.migrate(migrator.drop_table('award_rule'))
    migrator.migrate(migrator.drop_table('audit_event'))
    migrator.migrate(migrator.drop_table('assignment'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('submission'))
    migrator.migrate(migrator.drop_table('person'))
    migrator.migrate(migrator.drop_table('unit'))
    migrator.migrate(migrator.drop_table('cluster'))
    migrator.migrate(migrator.drop_table('campaign'))
    migrator.migrate(migrator.drop_table('criteria_set'))
