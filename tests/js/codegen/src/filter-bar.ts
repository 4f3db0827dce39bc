// What a client team writes against the generated types, compiled under `tsc --strict`: facet
// bucket values go into `PartnerFilter` as they are (no casts), lookups that may find nothing
// are nullable, and enum fields that always have a value are not.

import type {
  CampaignByIdQuery,
  FilterBarQuery,
  NodeByIdQuery,
  PartnerFilter,
  PartnerGroupByIdQuery,
  PartnerPageQuery,
  PartnerPageQueryVariables,
  ViewerQuery,
} from "../generated/graphql";
import { PartnerSize, RelationshipStage, UserRole } from "../generated/graphql";

type Facets = FilterBarQuery["partners"]["facets"];

/** The filter of the buckets a user ticked: each bucket's value, as the filter takes it. */
export function filterFromBuckets(facets: Facets): PartnerFilter {
  return {
    countries: facets.countries.map((bucket) => bucket.value),
    groupIds: facets.groups.map((bucket) => bucket.value),
    inNoGroup: facets.none.groups > 0,
    contractStatuses: facets.contractStatuses.map((bucket) => bucket.value),
    contractTemplateIds: facets.contractTemplates.map((bucket) => bucket.value),
    relationshipTypes: facets.relationshipTypes.map((bucket) => bucket.value),
    sizes: facets.sizes.map((bucket) => bucket.value),
    relationshipStages: facets.relationshipStages.map((bucket) => bucket.value),
    businessModels: facets.businessModels.map((bucket) => bucket.value),
    assignedUserIds: facets.assignedTo.map((bucket) => bucket.value),
    unassigned: facets.none.assignedTo > 0,
    prospectingSources: facets.prospectingSources.map((bucket) => bucket.value),
  };
}

/** The next page's variables when the user clicks one size bucket. */
export function pageOfSize(
  campaignId: string,
  bucket: Facets["sizes"][number],
): PartnerPageQueryVariables {
  return { campaignId, filter: { sizes: [bucket.value] } };
}

/** The same for a group bucket (its value is the id `groupIds` takes). */
export function pageOfGroup(
  campaignId: string,
  bucket: Facets["groups"][number],
): PartnerPageQueryVariables {
  return { campaignId, filter: { groupIds: [bucket.value], countries: ["US"] } };
}

/** Enum fields that always have a value need no null check. */
export function describe(page: PartnerPageQuery, viewer: ViewerQuery): string[] {
  const role: UserRole = viewer.viewer.user.role;
  return page.partners.nodes.map((partner) => {
    const stage: RelationshipStage = partner.relationshipStage;
    const size: PartnerSize | null | undefined = partner.size;
    const statuses = partner.contracts.map((contract) => contract.status);
    return `${role} sees ${partner.name}: ${stage}, ${size ?? "no size"}, ${statuses.join("/")}`;
  });
}

/** Lookups answer null for an id that names nothing. */
export function names(
  campaign: CampaignByIdQuery,
  group: PartnerGroupByIdQuery,
  node: NodeByIdQuery,
): string[] {
  return [
    campaign.campaign?.name ?? "no such campaign",
    group.partnerGroup?.name ?? "no such group",
    node.node?.__typename ?? "no such node",
  ];
}

// @ts-expect-error `campaign(id:)` is nullable: an unknown id answers null.
export const unchecked = (data: CampaignByIdQuery): string => data.campaign.name;

// @ts-expect-error a size bucket's value is a PartnerSize, not any string.
export const notASize: Facets["sizes"][number] = { value: "HUGE", label: "Huge", count: 1 };
