//! The closed vocabularies of a penalty decision: who the party is, the penalty types of
//! 行政处罚法 Art. 9, the procedure, the severity class and the party's ID document type.

use crate::domain::entity::labelled_enum;

labelled_enum! {
    /// 行政相对人类别 (双公示 CF_XDR_LB).
    PartyKind {
        LegalPerson = "legal_person", "法人及非法人组织" | "法人" | "非法人组织";
        IndividualBusiness = "individual_business", "个体工商户" | "个体户";
        NaturalPerson = "natural_person", "自然人";
    }
}

labelled_enum! {
    /// 处罚类别: the kinds of 行政处罚 in 行政处罚法 (2021) Art. 9.
    PenaltyType {
        Warning = "warning", "警告";
        PublicCriticism = "public_criticism", "通报批评";
        Fine = "fine", "罚款";
        ConfiscationOfIllegalGains = "confiscation_of_illegal_gains", "没收违法所得";
        ConfiscationOfIllegalProperty = "confiscation_of_illegal_property", "没收非法财物";
        SuspensionOfLicence = "suspension_of_licence", "暂扣许可证件" | "暂扣许可证" | "暂扣执照";
        DemotionOfQualification = "demotion_of_qualification", "降低资质等级";
        RevocationOfLicence = "revocation_of_licence", "吊销许可证件" | "吊销许可证" | "吊销执照";
        RestrictionOfBusiness = "restriction_of_business", "限制开展生产经营活动";
        SuspensionOfBusiness = "suspension_of_business", "责令停产停业";
        OrderToClose = "order_to_close", "责令关闭";
        RestrictionOfPractice = "restriction_of_practice", "限制从业";
        AdministrativeDetention = "administrative_detention", "行政拘留";
        Other = "other", "其他" | "其他行政处罚";
    }
}

impl PenaltyType {
    /// Types that take an amount of money (罚款 takes `fine_fen`, the confiscations take
    /// `confiscation_fen`).
    pub fn is_confiscation(self) -> bool {
        matches!(
            self,
            PenaltyType::ConfiscationOfIllegalGains | PenaltyType::ConfiscationOfIllegalProperty
        )
    }

    /// Types that act on a licence (暂扣 / 吊销): `licence_affected` is required.
    pub fn affects_licence(self) -> bool {
        matches!(
            self,
            PenaltyType::SuspensionOfLicence | PenaltyType::RevocationOfLicence
        )
    }
}

labelled_enum! {
    /// 程序: 简易程序 (当场处罚, Art. 51) or 普通程序.
    Procedure {
        Simple = "simple", "简易" | "简易程序";
        Ordinary = "ordinary", "普通" | "普通程序" | "一般程序";
    }
}

labelled_enum! {
    /// 失信等级 (《信用修复管理办法》): decides whether and how long a decision is published.
    Severity {
        Minor = "minor", "轻微";
        General = "general", "一般";
        Serious = "serious", "严重";
    }
}

labelled_enum! {
    /// 证件类型 of a natural person (双公示 CF_XDR_ZJLX).
    IdType {
        ResidentIdCard = "resident_id_card", "身份证" | "居民身份证";
        Passport = "passport", "护照" | "护照号";
        HkMacaoPass = "hk_macao_pass", "港澳居民来往内地通行证";
        TaiwanPass = "taiwan_pass", "台湾居民来往大陆通行证";
        ForeignPermanentResidence = "foreign_permanent_residence", "外国人永久居留身份证";
        Other = "other", "其他";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_article_9_type_parses_by_code_and_label() {
        assert_eq!(PenaltyType::ALL.len(), 14);
        for t in PenaltyType::ALL {
            assert_eq!(PenaltyType::parse(t.code()), Some(*t));
            assert_eq!(PenaltyType::parse(t.label()), Some(*t));
        }
        assert_eq!(
            PenaltyType::parse("吊销许可证"),
            Some(PenaltyType::RevocationOfLicence)
        );
        assert_eq!(
            PenaltyType::parse("罚金"),
            None,
            "a criminal penalty is not Art. 9"
        );
    }

    #[test]
    fn money_and_licence_types() {
        assert!(PenaltyType::ConfiscationOfIllegalGains.is_confiscation());
        assert!(!PenaltyType::Fine.is_confiscation());
        assert!(PenaltyType::SuspensionOfLicence.affects_licence());
        assert!(!PenaltyType::SuspensionOfBusiness.affects_licence());
    }
}
