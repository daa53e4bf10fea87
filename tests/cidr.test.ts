import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contains, formatCidr, isPrivate, mustParseCidr, overlaps, parseCidr, planSubnets } from "../infra/cidr";

describe("parseCidr", () => {
    it.each([
        ["10.10.0.0/16", "10.10.0.0/16"],
        ["192.168.1.0/24", "192.168.1.0/24"],
        ["0.0.0.0/0", "0.0.0.0/0"],
        [" 172.16.0.0/12 ", "172.16.0.0/12"],
    ])("reads %s back as %s", (text, canonical) => {
        expect(formatCidr(mustParseCidr(text))).toBe(canonical);
    });

    it.each(["10.10.0.0", "10.10.0.0/33", "256.0.0.0/8", "10.10.1.0/16", "ten.0.0.0/8", "10.0.0.0/-1", ""])(
        "refuses %j",
        (text) => {
            expect(parseCidr(text)).toBeUndefined();
        },
    );
});

describe("overlaps and contains", () => {
    it("sees a block inside another as overlapping, both ways", () => {
        const vpc = mustParseCidr("10.10.0.0/16");
        const subnet = mustParseCidr("10.10.32.0/19");
        expect(contains(vpc, subnet)).toBe(true);
        expect(contains(subnet, vpc)).toBe(false);
        expect(overlaps(vpc, subnet)).toBe(true);
        expect(overlaps(subnet, vpc)).toBe(true);
    });

    it("sees neighbouring blocks as disjoint", () => {
        expect(overlaps(mustParseCidr("10.10.0.0/16"), mustParseCidr("10.11.0.0/16"))).toBe(false);
    });

    it.each([
        ["10.0.0.0/16", true],
        ["172.31.0.0/16", true],
        ["192.168.0.0/24", true],
        ["172.32.0.0/16", false],
        ["8.8.8.0/24", false],
    ])("calls %s private: %s", (text, expected) => {
        expect(isPrivate(mustParseCidr(text))).toBe(expected);
    });
});

describe("planSubnets", () => {
    it("gives a /16 with two AZs /19 private and /21 public subnets", () => {
        expect(planSubnets("10.10.0.0/16", 2, true)).toEqual({
            private: ["10.10.0.0/19", "10.10.32.0/19"],
            public: ["10.10.192.0/21", "10.10.200.0/21"],
        });
    });

    it("gives a private-only VPC no public subnets", () => {
        expect(planSubnets("10.20.0.0/16", 1, false)).toEqual({ private: ["10.20.0.0/19"], public: [] });
    });

    it("keeps existing subnets where they are when an AZ is added", () => {
        const two = planSubnets("10.10.0.0/16", 2, true);
        const three = planSubnets("10.10.0.0/16", 3, true);
        expect(three.private.slice(0, 2)).toEqual(two.private);
        expect(three.public.slice(0, 2)).toEqual(two.public);
    });

    it("refuses a VPC whose public subnets would be smaller than /28, naming the sizes", () => {
        expect(() => planSubnets("10.10.0.0/24", 2, true)).toThrow("public subnets would be /29, smaller than the AWS minimum /28; use a /23 or larger VPC");
    });

    it.each([0, 7, 1.5])("refuses azCount %s", (azCount) => {
        expect(() => planSubnets("10.10.0.0/16", azCount, true)).toThrow("azCount must be a whole number from 1 to 6");
    });

    const vpcArb = fc.record({
        a: fc.constantFrom(10, 172, 192),
        b: fc.integer({ min: 0, max: 255 }),
        prefix: fc.integer({ min: 16, max: 23 }),
        azCount: fc.integer({ min: 1, max: 6 }),
        withPublic: fc.boolean(),
    }).map(({ a, b, prefix, azCount, withPublic }) => {
        const second = a === 10 ? b : a === 172 ? 16 + (b % 16) : 168;
        const base = mustParseCidr(`${a}.${second}.0.0/16`);
        const size = 2 ** (32 - prefix);
        const network = base.network + ((b * size) % 65536);
        return { cidr: formatCidr({ network, prefix }), azCount, withPublic };
    });

    it("always yields disjoint subnets of the planned size inside the VPC, one per AZ and tier (1 to 6 AZs)", () => {
        fc.assert(fc.property(vpcArb, ({ cidr, azCount, withPublic }) => {
            const vpc = mustParseCidr(cidr);
            const plan = planSubnets(cidr, azCount, withPublic);
            const all = [...plan.private, ...plan.public].map(mustParseCidr);
            expect(plan.private).toHaveLength(azCount);
            expect(plan.public).toHaveLength(withPublic ? azCount : 0);
            for (const s of all) {
                expect(contains(vpc, s)).toBe(true);
                expect(s.prefix).toBeLessThanOrEqual(28);
            }
            plan.private.forEach((s) => expect(mustParseCidr(s).prefix).toBe(vpc.prefix + 3));
            plan.public.forEach((s) => expect(mustParseCidr(s).prefix).toBe(vpc.prefix + 5));
            all.forEach((a, i) => all.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
        }), { numRuns: 300 });
    });
});
