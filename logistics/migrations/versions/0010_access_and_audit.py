"""access by role and an audit trail nobody it records can rewrite

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 09:00:00

On both databases:

* ``access_role`` maps a database group role (made by ``hub db roles``) to what it may
  see: a hub's operators, one courier's drivers, one station's keeper, the county bureau;
* parcel events, load-check scans and the record of personal-data exports are
  insert-only: a trigger refuses every UPDATE and DELETE (SQLite ``RAISE(ABORT)``). The
  database owner pauses it for maintenance (docs/access.md).

On PostgreSQL only (SQLite has no roles):

* the masking rules of ``logistics/domain/privacy.py`` as SQL functions, the view
  ``parcel_masked`` (names, phones and detailed addresses masked, rows limited to what
  the login's groups may see) and the county bureau's aggregate view ``county_volume``;
* row-level security policies by hub, by courier (drivers: their manifests, those
  manifests' parcels) and by station (keepers: their station's parcels). Row-level
  security itself is switched on by ``hub db roles``, once there are roles to let in;
  until then the policies wait and nothing changes for the logins the hub runs as;
* a closed manifest (and which parcels are on it) changes only by its handover, unless
  the database owner changes it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose rows are written once and never changed.
INSERT_ONLY = ("parcel_event", "manifest_load_scan", "personal_export")

#: Every table whose rows belong to one hub (a hub_id column), as of this revision.
HUB_OWNED = (
    "station",
    "courier",
    "courier_tariff",
    "courier_excluded_province",
    "vehicle",
    "parcel",
    "parcel_event",
    "round",
    "round_stop",
    "manifest",
    "manifest_load_scan",
    "manifest_export",
    "imported_file",
    "road_matrix",
    "personal_export",
)

#: What a refused change says; ``logistics.services.access`` words it for a person.
AUDIT_MARK = "hub audit:"

COMPOUND_SURNAMES = (
    "万俟 上官 东方 东郭 东门 乐正 亓官 令狐 仲孙 公冶 公孙 公羊 公良 公西 单于 南宫 南门 "
    "司寇 司徒 司空 司马 呼延 壤驷 夏侯 太叔 太史 夹谷 子车 宇文 宗政 宰父 尉迟 左丘 巫马 "
    "微生 慕容 拓跋 梁丘 欧阳 段干 淳于 漆雕 澹台 濮阳 独孤 申屠 百里 皇甫 端木 第五 羊舌 "
    "西门 诸葛 谷梁 赫连 轩辕 钟离 长孙 闻人 闾丘 颛孙 鲜于"
)

PROVINCE_NAMES = (
    "新疆维吾尔自治区|广西壮族自治区|宁夏回族自治区|澳门特别行政区|香港特别行政区|内蒙古自治区|"
    "西藏自治区|黑龙江省|山西省|陕西省|安徽省|山东省|浙江省|北京市|四川省|内蒙古|江西省|江苏省|"
    "黑龙江|辽宁省|甘肃省|青海省|河北省|河南省|贵州省|重庆市|湖北省|湖南省|海南省|台湾省|天津市|"
    "吉林省|福建省|云南省|上海市|广东省|重庆|吉林|四川|广西|湖北|宁夏|河南|香港|天津|江西|福建|"
    "甘肃|辽宁|台湾|江苏|澳门|湖南|山西|新疆|云南|广东|海南|北京|陕西|浙江|青海|上海|西藏|山东|"
    "贵州|河北|安徽"
)
NOT_PLACE = "区县路街道镇乡村号弄巷组栋楼单元室0-9"


def _run(sql: str) -> None:
    # Colons are SQL here (a regular expression's "(?:"), not bind parameters.
    op.execute(sa.text(sql.replace(":", "\\:")))


def upgrade() -> None:
    op.create_table(
        "access_role",
        sa.Column("role_name", sqlmodel.sql.sqltypes.AutoString(length=63), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=True),
        sa.Column("courier_id", sa.Integer(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["courier_id"], ["courier.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["station_id"], ["station.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("role_name"),
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_audit()
    else:
        _postgresql()


def _sqlite_audit() -> None:
    for table in INSERT_ONLY:
        for event in ("UPDATE", "DELETE"):
            _run(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{AUDIT_MARK} {table} is insert-only'); END"
            )


def _postgresql() -> None:
    _run(
        f"""
        CREATE FUNCTION hub_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{AUDIT_MARK} % is insert-only', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    for table in INSERT_ONLY:
        _run(
            f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION hub_refuse_change()"
        )
    _manifest_guard()
    _access_function()
    _masking_functions()
    _policies()
    _views()


def _manifest_guard() -> None:
    # The owner is the one login trusted to repair history; everyone else may only hand
    # a closed manifest over (drivers) and never move parcels onto or off it.
    _run(
        """
        CREATE FUNCTION hub_is_owner(relation oid) RETURNS boolean LANGUAGE sql STABLE AS $$
            SELECT pg_has_role(current_user, c.relowner, 'MEMBER')
            FROM pg_class c WHERE c.oid = relation
        $$
        """
    )
    _run(
        f"""
        CREATE FUNCTION hub_manifest_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF hub_is_owner(TG_RELID) OR OLD.status = 'open' THEN
                RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
            END IF;
            IF TG_OP = 'UPDATE' AND OLD.status = 'closed'
               AND NEW.status IN ('closed', 'handed_over')
               AND (NEW.id, NEW.hub_id, NEW.manifest_no, NEW.courier_id, NEW.service_date,
                    NEW.cutoff, NEW.created_at, NEW.closed_at)
                   IS NOT DISTINCT FROM
                   (OLD.id, OLD.hub_id, OLD.manifest_no, OLD.courier_id, OLD.service_date,
                    OLD.cutoff, OLD.created_at, OLD.closed_at) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{AUDIT_MARK} manifest % is %', OLD.manifest_no, OLD.status
                USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    _run(
        "CREATE TRIGGER manifest_closed_guard BEFORE UPDATE OR DELETE ON manifest "
        "FOR EACH ROW EXECUTE FUNCTION hub_manifest_guard()"
    )
    _run(
        f"""
        CREATE FUNCTION hub_parcel_manifest_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            shut text;
        BEGIN
            IF hub_is_owner(TG_RELID) THEN
                RETURN NEW;
            END IF;
            SELECT m.manifest_no INTO shut FROM manifest m
            WHERE m.id IN (OLD.manifest_id, NEW.manifest_id) AND m.status <> 'open'
            LIMIT 1;
            IF shut IS NOT NULL THEN
                RAISE EXCEPTION '{AUDIT_MARK} manifest % is closed', shut
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """
    )
    _run(
        "CREATE TRIGGER parcel_manifest_guard BEFORE UPDATE OF manifest_id ON parcel "
        "FOR EACH ROW WHEN (OLD.manifest_id IS DISTINCT FROM NEW.manifest_id) "
        "EXECUTE FUNCTION hub_parcel_manifest_guard()"
    )


def _access_function() -> None:
    # What the current login may see, through the groups it belongs to. pg_has_role by
    # oid, so a row naming a role dropped since (or never made on this server) is no error.
    _run(
        """
        CREATE FUNCTION hub_my_access()
        RETURNS TABLE (kind text, hub_id integer, courier_id integer, station_id integer)
        LANGUAGE sql STABLE AS $$
            SELECT a.kind::text, a.hub_id, a.courier_id, a.station_id
            FROM access_role a JOIN pg_roles r ON r.rolname = a.role_name
            WHERE pg_has_role(current_user, r.oid, 'MEMBER')
        $$
        """
    )


def _masking_functions() -> None:
    surnames = ", ".join(f"'{name}'" for name in COMPOUND_SURNAMES.split())
    _run(
        f"""
        CREATE FUNCTION hub_mask_name(name text) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
            t text := btrim(coalesce(name, ''));
            keep integer := 1;
        BEGIN
            IF t = '' THEN RETURN ''; END IF;
            IF length(t) = 1 THEN RETURN '*'; END IF;
            IF length(t) > 2 AND left(t, 2) = ANY (ARRAY[{surnames}]) THEN keep := 2; END IF;
            RETURN left(t, keep) || regexp_replace(substr(t, keep + 1), '[^ ·•・.]', '*', 'g');
        END $$
        """
    )
    _run(
        r"""
        CREATE FUNCTION hub_mask_one_phone(part text) RETURNS text
        LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
            compact text := regexp_replace(part, '[\s()\-]', '', 'g');
            m text[];
            digits integer;
            keep integer;
            seen integer := 0;
            out text := '';
            ch text;
        BEGIN
            m := regexp_match(compact, '^(\+?86)?(1\d{10})$');
            IF m IS NOT NULL THEN
                RETURN CASE WHEN m[1] IS NULL THEN '' ELSE '+86 ' END
                    || left(m[2], 1) || '******' || right(m[2], 4);
            END IF;
            m := regexp_match(replace(replace(part, '(', ''), ')', ''),
                '^(0\d{2,3})[\s-]*(\d{7,8})((?:[\s-]+|转|ext\.?|x)\d{1,6})?$', 'i');
            IF m IS NOT NULL THEN
                RETURN m[1] || '-******' || substr(m[2], 7)
                    || CASE WHEN m[3] IS NULL THEN '' ELSE '-***' END;
            END IF;
            digits := length(regexp_replace(part, '\D', '', 'g'));
            keep := greatest(0, least(4, digits - 6));
            FOREACH ch IN ARRAY regexp_split_to_array(part, '') LOOP
                IF ch ~ '^\d$' THEN
                    seen := seen + 1;
                    out := out || CASE WHEN seen > digits - keep THEN ch ELSE '*' END;
                ELSIF ch ~ '^[[:alpha:]]$' THEN
                    out := out || '*';
                ELSE
                    out := out || ch;
                END IF;
            END LOOP;
            RETURN out;
        END $$
        """
    )
    _run(
        r"""
        CREATE FUNCTION hub_mask_phone(phone text) RETURNS text
        LANGUAGE sql IMMUTABLE AS $$
            SELECT CASE
                WHEN btrim(coalesce(phone, '')) = '' THEN ''
                ELSE coalesce(
                    (SELECT string_agg(hub_mask_one_phone(btrim(p)), ', ' ORDER BY n)
                     FROM regexp_split_to_table(btrim(phone), '[,，;；/、]+')
                          WITH ORDINALITY AS s(p, n)
                     WHERE btrim(p) <> ''),
                    '****')
            END
        $$
        """
    )
    _run(
        rf"""
        CREATE FUNCTION hub_mask_address(address text, names text[] DEFAULT '{{}}')
        RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
        DECLARE
            t text := regexp_replace(coalesce(address, ''), '\s+', '', 'g');
            rest text;
            name text;
            found text;
            prefix text := '';
        BEGIN
            IF t = '' THEN RETURN ''; END IF;
            rest := t;
            FOREACH name IN ARRAY names LOOP
                name := regexp_replace(coalesce(name, ''), '\s+', '', 'g');
                IF length(name) >= 2 THEN rest := replace(rest, name, ''); END IF;
            END LOOP;
            found := substring(rest FROM '^(?:{PROVINCE_NAMES})');
            IF found IS NULL THEN
                found := substring(rest FROM '(?:{PROVINCE_NAMES}).*$');
                IF found IS NOT NULL THEN
                    rest := found;
                    found := substring(rest FROM '^(?:{PROVINCE_NAMES})');
                END IF;
            END IF;
            IF found IS NOT NULL THEN
                prefix := found;
                IF substr(rest, length(prefix) + 1, 1) IN ('省', '市') THEN
                    prefix := prefix || substr(rest, length(prefix) + 1, 1);
                ELSIF substr(rest, length(prefix) + 1, 3) = '自治区' THEN
                    prefix := prefix || '自治区';
                END IF;
            END IF;
            found := substring(substr(rest, length(prefix) + 1)
                FROM '^[^{NOT_PLACE}]{{1,12}}?(?:自治州|地区|盟|市)');
            prefix := prefix || coalesce(found, '');
            found := substring(substr(rest, length(prefix) + 1)
                FROM '^[^{NOT_PLACE}]{{1,12}}?(?:自治县|自治旗|林区|特区|新区|区|县|市|旗)');
            prefix := prefix || coalesce(found, '');
            IF prefix = t THEN RETURN prefix; END IF;
            RETURN prefix || '****';
        END $$
        """
    )


def _mine(kind: str, column: str) -> str:
    return f"(SELECT a.{column} FROM hub_my_access() a WHERE a.kind = '{kind}')"


def _policies() -> None:
    for table in HUB_OWNED:
        _run(
            f"CREATE POLICY {table}_operator ON {table} "
            f"USING (hub_id IN {_mine('operator', 'hub_id')}) "
            f"WITH CHECK (hub_id IN {_mine('operator', 'hub_id')})"
        )
    _run(
        "CREATE POLICY hub_member ON hub FOR SELECT "
        "USING (id IN (SELECT a.hub_id FROM hub_my_access() a))"
    )
    _run(
        f"CREATE POLICY hub_operator ON hub FOR UPDATE USING (id IN {_mine('operator', 'hub_id')})"
    )
    # Couriers' drivers: their courier, its manifests, those manifests' parcels and scans.
    _run(
        f"CREATE POLICY courier_driver ON courier FOR SELECT "
        f"USING (id IN {_mine('courier', 'courier_id')})"
    )
    for action in ("SELECT", "UPDATE"):
        _run(
            f"CREATE POLICY manifest_driver_{action.lower()} ON manifest FOR {action} "
            f"USING (courier_id IN {_mine('courier', 'courier_id')})"
        )
        _run(
            f"CREATE POLICY parcel_driver_{action.lower()} ON parcel FOR {action} "
            f"USING (manifest_id IN (SELECT m.id FROM manifest m "
            f"WHERE m.courier_id IN {_mine('courier', 'courier_id')}))"
        )
    # Station keepers: their station and its parcels.
    _run(
        f"CREATE POLICY station_keeper ON station FOR SELECT "
        f"USING (id IN {_mine('station', 'station_id')})"
    )
    for action in ("SELECT", "UPDATE"):
        _run(
            f"CREATE POLICY parcel_keeper_{action.lower()} ON parcel FOR {action} "
            f"USING (station_id IN {_mine('station', 'station_id')})"
        )
    # Drivers and keepers see and add the events of the parcels they see, and drivers
    # the load-check scans of their manifests (the subqueries pass through the parcel's
    # and the manifest's own policies).
    visible_parcel = (
        "EXISTS (SELECT 1 FROM parcel p WHERE p.id = parcel_event.parcel_id "
        "AND p.hub_id = parcel_event.hub_id)"
    )
    _run(f"CREATE POLICY parcel_event_seen ON parcel_event FOR SELECT USING ({visible_parcel})")
    _run(
        f"CREATE POLICY parcel_event_added ON parcel_event FOR INSERT WITH CHECK ({visible_parcel})"
    )
    visible_manifest = (
        "EXISTS (SELECT 1 FROM manifest m WHERE m.id = manifest_load_scan.manifest_id "
        "AND m.hub_id = manifest_load_scan.hub_id)"
    )
    _run(
        f"CREATE POLICY manifest_load_scan_seen ON manifest_load_scan FOR SELECT "
        f"USING ({visible_manifest})"
    )
    _run(
        f"CREATE POLICY manifest_load_scan_added ON manifest_load_scan FOR INSERT "
        f"WITH CHECK ({visible_manifest})"
    )


def _views() -> None:
    # Owner's rights (not security_invoker): the view reads the full columns its readers
    # may not, and keeps to their rows by its own WHERE; security_barrier keeps a
    # reader's own functions from seeing rows before that WHERE has filtered them.
    _run(
        f"""
        CREATE VIEW parcel_masked WITH (security_barrier) AS
        SELECT p.id, p.hub_id, p.parcel_no, p.tracking_no, p.direction, p.station_id,
               p.courier_id, p.manifest_id, p.round_id, p.status, p.status_at,
               p.registered_at, p.registered_on, p.province_code, p.city, p.weight_g,
               p.category, p.pickup_code, p.fee_fen,
               hub_mask_name(p.sender_name) AS sender_name,
               hub_mask_phone(p.sender_phone) AS sender_phone,
               hub_mask_name(p.recipient_name) AS recipient_name,
               hub_mask_phone(p.recipient_phone) AS recipient_phone,
               hub_mask_address(p.address, ARRAY[p.recipient_name, p.sender_name]) AS address
        FROM parcel p
        WHERE p.hub_id IN {_mine("operator", "hub_id")}
           OR p.station_id IN {_mine("station", "station_id")}
           OR p.manifest_id IN (SELECT m.id FROM manifest m
                                WHERE m.courier_id IN {_mine("courier", "courier_id")})
        """
    )
    # The county bureau's figures: volumes by hub, month, courier, direction and
    # product; never a person.
    _run(
        """
        CREATE VIEW county_volume AS
        SELECT h.code AS hub_code, h.name AS hub_name,
               CAST(date_trunc('month', p.registered_on) AS date) AS month,
               c.code AS courier_code, p.direction, p.category AS product,
               count(*) FILTER (WHERE p.status <> 'cancelled') AS parcels,
               count(*) FILTER (WHERE p.status = 'cancelled') AS cancelled,
               coalesce(sum(p.weight_g) FILTER (WHERE p.status <> 'cancelled'), 0) AS weight_g,
               coalesce(sum(p.fee_fen) FILTER (WHERE p.status <> 'cancelled'), 0) AS fee_fen
        FROM parcel p
        JOIN hub h ON h.id = p.hub_id
        LEFT JOIN courier c ON c.id = p.courier_id
        GROUP BY h.code, h.name, CAST(date_trunc('month', p.registered_on) AS date),
                 c.code, p.direction, p.category
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in INSERT_ONLY:
            for event in ("update", "delete"):
                _run(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    else:
        _run("DROP VIEW IF EXISTS county_volume")
        _run("DROP VIEW IF EXISTS parcel_masked")
        for table in (*HUB_OWNED, "hub"):
            _run(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for table, policies in _policy_names().items():
            for name in policies:
                _run(f"DROP POLICY IF EXISTS {name} ON {table}")
        for table in INSERT_ONLY:
            _run(f"DROP TRIGGER IF EXISTS {table}_insert_only ON {table}")
        _run("DROP TRIGGER IF EXISTS manifest_closed_guard ON manifest")
        _run("DROP TRIGGER IF EXISTS parcel_manifest_guard ON parcel")
        for function in (
            "hub_refuse_change()",
            "hub_manifest_guard()",
            "hub_parcel_manifest_guard()",
            "hub_is_owner(oid)",
            "hub_my_access()",
            "hub_mask_name(text)",
            "hub_mask_phone(text)",
            "hub_mask_one_phone(text)",
            "hub_mask_address(text, text[])",
        ):
            _run(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_table("access_role")


def _policy_names() -> dict[str, list[str]]:
    names: dict[str, list[str]] = {table: [f"{table}_operator"] for table in HUB_OWNED}
    names["hub"] = ["hub_member", "hub_operator"]
    names["courier"].append("courier_driver")
    names["manifest"] += ["manifest_driver_select", "manifest_driver_update"]
    names["parcel"] += [
        "parcel_driver_select",
        "parcel_driver_update",
        "parcel_keeper_select",
        "parcel_keeper_update",
    ]
    names["station"].append("station_keeper")
    names["parcel_event"] += ["parcel_event_seen", "parcel_event_added"]
    names["manifest_load_scan"] += ["manifest_load_scan_seen", "manifest_load_scan_added"]
    return names
