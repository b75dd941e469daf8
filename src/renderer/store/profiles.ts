// Profiles, the ~/.aws profile list and endpoint-doctor results.
import { create } from 'zustand';
import type { AwsConfigProfile, BucketInfo, DoctorResult, Profile, ProfileInput } from '../../shared/contract';
import { call } from '../client';
import { toast } from './toasts';

export const SANDBOX_PROFILE_ID = 'sandbox';

interface ProfilesState {
  profiles: Profile[];
  loaded: boolean;
  loading: boolean;
  awsConfig: AwsConfigProfile[] | null;
  /** undefined: not asked yet; null: no doctor run for this profile. */
  doctor: Record<string, DoctorResult | null | undefined>;
  doctorRunning: Record<string, boolean>;
  /** Buckets per profile for the doctor's bucket picker. */
  bucketChoices: Record<string, BucketInfo[] | undefined>;
  load(): Promise<void>;
  save(input: ProfileInput): Promise<Profile>;
  remove(id: string): Promise<boolean>;
  loadAwsConfig(): Promise<void>;
  loadDoctor(profileId: string): Promise<void>;
  runDoctor(profileId: string, bucket: string): Promise<DoctorResult | null>;
  loadBucketChoices(profileId: string): Promise<void>;
}

export const useProfiles = create<ProfilesState>()((set, get) => ({
  profiles: [],
  loaded: false,
  loading: false,
  awsConfig: null,
  doctor: {},
  doctorRunning: {},
  bucketChoices: {},

  async load() {
    set({ loading: true });
    try {
      set({ profiles: await call('profiles.list', {}), loaded: true });
    } catch (err) {
      toast.error('Could not load profiles', err);
    } finally {
      set({ loading: false });
    }
  },

  /** Throws on failure so the form can show the error inline. */
  async save(input) {
    const saved = await call('profiles.save', input);
    set((s) => {
      const exists = s.profiles.some((p) => p.id === saved.id);
      return {
        profiles: exists ? s.profiles.map((p) => (p.id === saved.id ? saved : p)) : [...s.profiles, saved],
        // settings may have changed: ask the core again for the doctor result it keeps
        doctor: { ...s.doctor, [saved.id]: undefined },
      };
    });
    toast.success('Profile saved', saved.name);
    return saved;
  },

  async remove(id) {
    try {
      await call('profiles.delete', { profileId: id });
      set((s) => ({ profiles: s.profiles.filter((p) => p.id !== id) }));
      return true;
    } catch (err) {
      toast.error('Could not delete the profile', err);
      return false;
    }
  },

  async loadAwsConfig() {
    try {
      set({ awsConfig: await call('profiles.awsConfig', {}) });
    } catch (err) {
      set({ awsConfig: [] });
      toast.error('Could not read ~/.aws/config', err);
    }
  },

  async loadDoctor(profileId) {
    try {
      const r = await call('doctor.get', { profileId });
      set((s) => ({ doctor: { ...s.doctor, [profileId]: r } }));
    } catch (err) {
      toast.error('Could not read the doctor result', err);
    }
  },

  async runDoctor(profileId, bucket) {
    if (get().doctorRunning[profileId]) return null;
    set((s) => ({ doctorRunning: { ...s.doctorRunning, [profileId]: true } }));
    try {
      const r = await call('doctor.run', { profileId, bucket });
      set((s) => ({ doctor: { ...s.doctor, [profileId]: r } }));
      return r;
    } catch (err) {
      toast.error(`Doctor failed on ${bucket}`, err);
      return null;
    } finally {
      set((s) => ({ doctorRunning: { ...s.doctorRunning, [profileId]: false } }));
    }
  },

  async loadBucketChoices(profileId) {
    try {
      const list = await call('buckets.list', { profileId });
      set((s) => ({ bucketChoices: { ...s.bucketChoices, [profileId]: list } }));
    } catch (err) {
      set((s) => ({ bucketChoices: { ...s.bucketChoices, [profileId]: [] } }));
      toast.error('Could not list buckets for this profile', err);
    }
  },
}));
