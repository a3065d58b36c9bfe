//! Diesel's view of the tables; kept by hand to match both `migrations/` folders
//! (tests/schema.rs checks the two backends agree).

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        version -> Integer,
        authority_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    console_uploads (id) {
        id -> Text,
        session_id -> Integer,
        file_name -> Text,
        body -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    console_sessions (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        recorded_at -> Timestamp,
        actor -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
        authority_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(console_sessions -> users (user_id));
diesel::joinable!(console_uploads -> console_sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    api_tokens,
    console_sessions,
    console_uploads,
    audit_log,
    calendar_years,
    calendar_days,
    entities,
    entity_name_grams,
    entity_name_gram_counts,
    derived_indexes,
    inspectors,
    inspector_conflicts,
    categories,
    category_aliases
);

diesel::table! {
    calendar_years (region, year) {
        region -> Text,
        year -> Integer,
        source -> Text,
        origin -> Text,
        revision -> Integer,
        loaded_at -> Timestamp,
        loaded_by -> Text,
    }
}

diesel::table! {
    calendar_days (region, day) {
        region -> Text,
        day -> Date,
        year -> Integer,
        kind -> Text,
        name -> Text,
        source -> Text,
    }
}

diesel::table! {
    entities (id) {
        id -> BigInt,
        credit_code -> Text,
        name -> Text,
        search_name -> Text,
        kind -> Text,
        category -> Text,
        district -> Text,
        address -> Nullable<Text>,
        legal_representative -> Nullable<Text>,
        licence_numbers -> Text,
        status -> Text,
        risk_tags -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    entity_name_grams (gram, entity_id) {
        gram -> BigInt,
        entity_id -> BigInt,
    }
}

diesel::table! {
    entity_name_gram_counts (gram) {
        gram -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    derived_indexes (name) {
        name -> Text,
        version -> Integer,
    }
}

diesel::table! {
    inspectors (id) {
        id -> BigInt,
        certificate_no -> Text,
        name -> Text,
        certificate_valid_from -> Date,
        certificate_valid_to -> Date,
        unit -> Text,
        fields -> Text,
        id_number -> Nullable<Text>,
        phone -> Nullable<Text>,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inspector_conflicts (id) {
        id -> BigInt,
        inspector_id -> BigInt,
        credit_code -> Nullable<Text>,
        category -> Nullable<Text>,
        reason -> Text,
        declared_at -> Timestamp,
        declared_by -> Text,
        removed_at -> Nullable<Timestamp>,
        removed_by -> Nullable<Text>,
        removal_reason -> Nullable<Text>,
    }
}

diesel::joinable!(entity_name_grams -> entities (entity_id));
diesel::joinable!(inspector_conflicts -> inspectors (inspector_id));

diesel::table! {
    categories (code) {
        code -> Text,
        label -> Text,
        parent -> Nullable<Text>,
        regulation -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    category_aliases (id) {
        id -> BigInt,
        alias -> Text,
        code -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    authorities (id) {
        id -> BigInt,
        name -> Text,
        credit_code -> Text,
        number_prefix -> Text,
        publish_simple_procedure -> Bool,
        publish_warning_only -> Bool,
        publish_minor -> Bool,
        mask_natural_person_names -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    decision_number_sequences (authority_id, year) {
        authority_id -> BigInt,
        year -> Integer,
        last -> Integer,
    }
}

diesel::table! {
    penalties (id) {
        id -> BigInt,
        authority_id -> BigInt,
        decision_number -> Text,
        number_key -> Text,
        party_kind -> Text,
        party_name -> Text,
        public_name -> Text,
        search_text -> Text,
        party_credit_code -> Nullable<Text>,
        legal_representative -> Nullable<Text>,
        private_json -> Text,
        violation_type -> Text,
        facts -> Text,
        legal_basis -> Text,
        penalty_types -> Text,
        content -> Text,
        fine_fen -> Nullable<BigInt>,
        confiscation_fen -> Nullable<BigInt>,
        licence_affected -> Nullable<Text>,
        decision_date -> Date,
        procedure -> Text,
        severity -> Text,
        severity_reason -> Nullable<Text>,
        case_officers -> Text,
        entity_credit_code -> Nullable<Text>,
        imported -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        import_id -> Nullable<Text>,
    }
}

diesel::table! {
    penalty_states (penalty_id) {
        penalty_id -> BigInt,
        state -> Text,
        version -> Integer,
        workflow_json -> Text,
        publication_deadline -> Date,
        publication_deadline_provisional -> Bool,
        publicity_min_end -> Date,
        publicity_max_end -> Date,
        published_at -> Nullable<Timestamp>,
        published_on -> Nullable<Date>,
        working_days_late -> Nullable<Integer>,
        withdrawal_event_date -> Nullable<Date>,
        withdrawal_deadline -> Nullable<Date>,
        withdrawal_deadline_provisional -> Nullable<Bool>,
        withdrawn_on -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    penalty_name_grams (gram, decision_day, penalty_id) {
        gram -> BigInt,
        penalty_id -> BigInt,
        authority_id -> BigInt,
        decision_day -> Integer,
    }
}

diesel::joinable!(penalties -> authorities (authority_id));
diesel::joinable!(penalty_states -> penalties (penalty_id));
diesel::joinable!(penalty_name_grams -> penalties (penalty_id));
diesel::allow_tables_to_appear_in_same_query!(
    authorities,
    decision_number_sequences,
    penalties,
    penalty_states,
    penalty_name_grams
);

diesel::table! {
    inspection_items (id) {
        id -> BigInt,
        code -> Text,
        current_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inspection_item_versions (item_id, version) {
        item_id -> BigInt,
        version -> Integer,
        field -> Text,
        name -> Text,
        content -> Text,
        kind -> Text,
        basis -> Text,
        subject -> Text,
        categories -> Text,
        methods -> Text,
        ratio -> Nullable<Text>,
        frequency -> Nullable<Text>,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::joinable!(inspection_item_versions -> inspection_items (item_id));
diesel::allow_tables_to_appear_in_same_query!(inspection_items, inspection_item_versions);

diesel::table! {
    plans (id) {
        id -> BigInt,
        title -> Text,
        items -> Text,
        categories -> Text,
        districts -> Text,
        sample_size -> Nullable<Integer>,
        sample_ratio_ppm -> Nullable<Integer>,
        team_size -> Integer,
        load_cap -> Nullable<Integer>,
        sources -> Text,
        planned_month -> Text,
        responsible_unit -> Text,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        announced_at -> Nullable<Timestamp>,
        announced_by -> Nullable<Text>,
        announced_on -> Nullable<Date>,
        snapshot_sha256 -> Nullable<Text>,
        snapshot_size -> Nullable<Integer>,
        sample -> Nullable<Integer>,
        frequency_cap -> Nullable<Integer>,
        drawn_at -> Nullable<Timestamp>,
        drawn_by -> Nullable<Text>,
        drawn_on -> Nullable<Date>,
        source_values -> Nullable<Text>,
        draw_key -> Nullable<Text>,
        draw_refusal -> Nullable<Text>,
        stage2_sha256 -> Nullable<Text>,
    }
}

diesel::table! {
    plan_closings (plan_id) {
        plan_id -> BigInt,
        completed_at -> Nullable<Timestamp>,
        completed_by -> Nullable<Text>,
        completed_on -> Nullable<Date>,
        results_deadline -> Nullable<Date>,
        results_deadline_provisional -> Nullable<Bool>,
        results_published_at -> Nullable<Timestamp>,
        results_published_by -> Nullable<Text>,
        results_published_on -> Nullable<Date>,
        results_days_late -> Nullable<Integer>,
        voided_at -> Nullable<Timestamp>,
        voided_by -> Nullable<Text>,
        voided_from -> Nullable<Text>,
        void_reason -> Nullable<Text>,
    }
}

diesel::table! {
    plan_snapshots (plan_id) {
        plan_id -> BigInt,
        codes -> Text,
        categories -> Text,
        roster -> Text,
    }
}

diesel::table! {
    plan_exclusions (plan_id, credit_code) {
        plan_id -> BigInt,
        credit_code -> Text,
        inspections -> Integer,
    }
}

diesel::table! {
    plan_selections (plan_id, pick) {
        plan_id -> BigInt,
        pick -> Integer,
        credit_code -> Text,
        inspectors -> Text,
    }
}

diesel::table! {
    plan_results (plan_id, pick) {
        plan_id -> BigInt,
        pick -> Integer,
        outcome -> Text,
        inspected_on -> Date,
        inspectors -> Text,
        notes -> Nullable<Text>,
        recorded_at -> Timestamp,
        recorded_by -> Text,
    }
}

diesel::joinable!(plan_selections -> plans (plan_id));
diesel::joinable!(plan_closings -> plans (plan_id));
diesel::allow_tables_to_appear_in_same_query!(
    plans,
    plan_closings,
    plan_snapshots,
    plan_exclusions,
    plan_selections,
    plan_results
);
diesel::allow_tables_to_appear_in_same_query!(plan_selections, entities);
